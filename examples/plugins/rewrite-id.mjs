// shadowtap replay capture.jsonl.gz -t http://staging:8080 --plugin examples/plugins/rewrite-id.mjs
// Production item N is item N + 1000 in staging: the request hook rewrites the id, the compare hook
// accepts the rewritten id and name and ignores the per-response timestamp.
/** @typedef {import('shadowtap/plugin').ShadowtapPlugin} ShadowtapPlugin */

const OFFSET = 1000;
const ITEM = /^\/api\/items\/(\d+)$/;

/** @type {ShadowtapPlugin} */
export default {
  request(req) {
    const m = ITEM.exec(req.target);
    if (m) req.target = `/api/items/${Number(m[1]) + OFFSET}`;
    return req;
  },
  compare(recorded, replayed) {
    const ignore = ['$.servedAt'];
    try {
      const a = JSON.parse(Buffer.from(recorded.body).toString());
      const b = JSON.parse(Buffer.from(replayed.body).toString());
      if (Number(b.id) === Number(a.id) + OFFSET) ignore.push('$.id', '$.name');
    } catch {
      // not JSON: nothing of ours to accept
    }
    return { ignore };
  },
};
