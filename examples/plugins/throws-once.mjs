// A plugin that fails on one request: the request is marked (counted, in the summary and report) and the run goes on.
/** @type {import('shadowtap/plugin').ShadowtapPlugin} */
export default {
  request(req) {
    if (req.target === '/api/items/0') throw new Error('cannot map item 0');
    return undefined;
  },
};
