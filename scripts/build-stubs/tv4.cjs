// Stands in for tv4 (a JSON-schema validator) in the bundles. With its API methods left out
// (node-vault-commands.cjs), node-vault validates one schema with it: `client.request`'s options
// must be an object with string `path` and `method`. This checks exactly that kind of schema
// (type object; required names; properties of type string), and reports like tv4 does.
'use strict';
const validator = {
  error: null,
  validate(data, schema) {
    validator.error = null;
    if (schema.type === 'object' && (typeof data !== 'object' || data === null)) {
      validator.error = { message: 'Invalid type: expected object', dataPath: '' };
      return false;
    }
    for (const name of schema.required ?? []) {
      if (data[name] === undefined) {
        validator.error = { message: `Missing required property: ${name}`, dataPath: '' };
        return false;
      }
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (data[name] !== undefined && property.type === 'string' && typeof data[name] !== 'string') {
        validator.error = { message: 'Invalid type: expected string', dataPath: `/${name}` };
        return false;
      }
    }
    return true;
  },
};
module.exports = validator;
