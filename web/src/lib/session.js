// The signed-in user, shared by every page: who, which role, which region,
// and the CSRF token the server gave with the session.
import { reactive } from 'vue';

export const session = reactive({
  user: null, // {username, role, region: {code, name}}
  csrf: '',
  loaded: false,
  expiredAt: 0, // set when the server answered 401 to a signed-in page
  set(data) {
    this.user = data ? data.user : null;
    this.csrf = data ? data.csrf_token : '';
    this.loaded = true;
  },
  expired() {
    if (this.user) this.expiredAt = Date.now();
    this.user = null;
    this.csrf = '';
  },
});
