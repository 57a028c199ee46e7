// ECharts with only what the dashboard and the planner draw (tree-shaken:
// bars, lines, the county map, scatter points on it), on canvas.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, ScatterChart, LinesChart } from 'echarts/charts';
import {
  AriaComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, MapChart, ScatterChart, LinesChart, AriaComponent, GeoComponent, GridComponent,
  LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer,
]);

let mapPromise = null;
// Registers the Linxia county boundaries (Vonng/adcode, CC BY 4.0, simplified)
// once, as map "linxia".
export function loadLinxiaMap() {
  if (!mapPromise) {
    mapPromise = fetch('/maps/linxia-counties.json')
      .then((r) => {
        if (!r.ok) throw new Error('map ' + r.status);
        return r.json();
      })
      .then((geo) => {
        echarts.registerMap('linxia', geo);
        return geo;
      })
      .catch((e) => {
        mapPromise = null;
        throw e;
      });
  }
  return mapPromise;
}

export { echarts };
