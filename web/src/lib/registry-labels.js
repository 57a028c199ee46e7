// Names of the registry's coded values (status, cause, relation, …) in the
// current language, falling back to the code itself for a value the
// messages do not know.
export function labeler(t, te) {
  return (group, value) => {
    if (value === null || value === undefined || value === '') return '—';
    const key = `registry.${group}.${value}`;
    return te(key) ? t(key) : String(value);
  };
}

// "吃、饮水安全" for "food;water", or the word for none.
export function needsText(label, needs, none) {
  const list = String(needs || '').split(';').filter(Boolean);
  return list.length ? list.map((n) => label('need', n)).join(', ') : none;
}
