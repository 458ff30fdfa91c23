/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
import $protobuf from "protobufjs/minimal.js";

const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

const $root = $protobuf.roots["spiffe-workload-api"] || ($protobuf.roots["spiffe-workload-api"] = {});

export const X509SVIDRequest = $root.X509SVIDRequest = (() => {

    function X509SVIDRequest(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    X509SVIDRequest.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        return writer;
    };

    X509SVIDRequest.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.X509SVIDRequest();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    X509SVIDRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/X509SVIDRequest";
    };

    return X509SVIDRequest;
})();

export const X509SVIDResponse = $root.X509SVIDResponse = (() => {

    function X509SVIDResponse(properties) {
        this.svids = [];
        this.crl = [];
        this.federated_bundles = {};
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    X509SVIDResponse.prototype.svids = $util.emptyArray;
    X509SVIDResponse.prototype.crl = $util.emptyArray;
    X509SVIDResponse.prototype.federated_bundles = $util.emptyObject;

    X509SVIDResponse.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.svids != null && message.svids.length)
            for (let i = 0; i < message.svids.length; ++i)
                $root.X509SVID.encode(message.svids[i], writer.uint32(10).fork(), q + 1).ldelim();
        if (message.crl != null && message.crl.length)
            for (let i = 0; i < message.crl.length; ++i)
                writer.uint32(18).bytes(message.crl[i]);
        if (message.federated_bundles != null && Object.hasOwnProperty.call(message, "federated_bundles"))
            for (let keys = Object.keys(message.federated_bundles), i = 0; i < keys.length; ++i)
                writer.uint32(26).fork().uint32(10).string(keys[i]).uint32(18).bytes(message.federated_bundles[keys[i]]).ldelim();
        return writer;
    };

    X509SVIDResponse.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message, key, value;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.X509SVIDResponse();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    if (!(message.svids && message.svids.length))
                        message.svids = [];
                    message.svids.push($root.X509SVID.decode(reader, reader.uint32(), undefined, long + 1));
                    break;
                }
            case 2: {
                    if (!(message.crl && message.crl.length))
                        message.crl = [];
                    message.crl.push(reader.bytes());
                    break;
                }
            case 3: {
                    if (message.federated_bundles === $util.emptyObject)
                        message.federated_bundles = {};
                    let end2 = reader.uint32() + reader.pos;
                    if (end2 > reader.len)
                        throw RangeError("index out of range");
                    reader.len = end2;
                    key = "";
                    value = [];
                    while (reader.pos < end2) {
                        let tag2 = reader.uint32();
                        switch (tag2 >>> 3) {
                        case 1:
                            key = reader.string();
                            break;
                        case 2:
                            value = reader.bytes();
                            break;
                        default:
                            reader.skipType(tag2 & 7, long);
                            break;
                        }
                    }
                    if (reader.pos !== end2)
                        throw RangeError("index out of range");
                    reader.len = end;
                    if (key === "__proto__")
                        $util.makeProp(message.federated_bundles, key);
                    message.federated_bundles[key] = value;
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    X509SVIDResponse.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/X509SVIDResponse";
    };

    return X509SVIDResponse;
})();

export const X509SVID = $root.X509SVID = (() => {

    function X509SVID(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    X509SVID.prototype.spiffe_id = "";
    X509SVID.prototype.x509_svid = $util.newBuffer([]);
    X509SVID.prototype.x509_svid_key = $util.newBuffer([]);
    X509SVID.prototype.bundle = $util.newBuffer([]);
    X509SVID.prototype.hint = "";

    X509SVID.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.spiffe_id != null && Object.hasOwnProperty.call(message, "spiffe_id"))
            writer.uint32(10).string(message.spiffe_id);
        if (message.x509_svid != null && Object.hasOwnProperty.call(message, "x509_svid"))
            writer.uint32(18).bytes(message.x509_svid);
        if (message.x509_svid_key != null && Object.hasOwnProperty.call(message, "x509_svid_key"))
            writer.uint32(26).bytes(message.x509_svid_key);
        if (message.bundle != null && Object.hasOwnProperty.call(message, "bundle"))
            writer.uint32(34).bytes(message.bundle);
        if (message.hint != null && Object.hasOwnProperty.call(message, "hint"))
            writer.uint32(42).string(message.hint);
        return writer;
    };

    X509SVID.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.X509SVID();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    message.spiffe_id = reader.string();
                    break;
                }
            case 2: {
                    message.x509_svid = reader.bytes();
                    break;
                }
            case 3: {
                    message.x509_svid_key = reader.bytes();
                    break;
                }
            case 4: {
                    message.bundle = reader.bytes();
                    break;
                }
            case 5: {
                    message.hint = reader.string();
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    X509SVID.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/X509SVID";
    };

    return X509SVID;
})();

export const X509BundlesRequest = $root.X509BundlesRequest = (() => {

    function X509BundlesRequest(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    X509BundlesRequest.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        return writer;
    };

    X509BundlesRequest.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.X509BundlesRequest();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    X509BundlesRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/X509BundlesRequest";
    };

    return X509BundlesRequest;
})();

export const X509BundlesResponse = $root.X509BundlesResponse = (() => {

    function X509BundlesResponse(properties) {
        this.crl = [];
        this.bundles = {};
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    X509BundlesResponse.prototype.crl = $util.emptyArray;
    X509BundlesResponse.prototype.bundles = $util.emptyObject;

    X509BundlesResponse.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.crl != null && message.crl.length)
            for (let i = 0; i < message.crl.length; ++i)
                writer.uint32(10).bytes(message.crl[i]);
        if (message.bundles != null && Object.hasOwnProperty.call(message, "bundles"))
            for (let keys = Object.keys(message.bundles), i = 0; i < keys.length; ++i)
                writer.uint32(18).fork().uint32(10).string(keys[i]).uint32(18).bytes(message.bundles[keys[i]]).ldelim();
        return writer;
    };

    X509BundlesResponse.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message, key, value;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.X509BundlesResponse();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    if (!(message.crl && message.crl.length))
                        message.crl = [];
                    message.crl.push(reader.bytes());
                    break;
                }
            case 2: {
                    if (message.bundles === $util.emptyObject)
                        message.bundles = {};
                    let end2 = reader.uint32() + reader.pos;
                    if (end2 > reader.len)
                        throw RangeError("index out of range");
                    reader.len = end2;
                    key = "";
                    value = [];
                    while (reader.pos < end2) {
                        let tag2 = reader.uint32();
                        switch (tag2 >>> 3) {
                        case 1:
                            key = reader.string();
                            break;
                        case 2:
                            value = reader.bytes();
                            break;
                        default:
                            reader.skipType(tag2 & 7, long);
                            break;
                        }
                    }
                    if (reader.pos !== end2)
                        throw RangeError("index out of range");
                    reader.len = end;
                    if (key === "__proto__")
                        $util.makeProp(message.bundles, key);
                    message.bundles[key] = value;
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    X509BundlesResponse.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/X509BundlesResponse";
    };

    return X509BundlesResponse;
})();

export const JWTSVIDRequest = $root.JWTSVIDRequest = (() => {

    function JWTSVIDRequest(properties) {
        this.audience = [];
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    JWTSVIDRequest.prototype.audience = $util.emptyArray;
    JWTSVIDRequest.prototype.spiffe_id = "";

    JWTSVIDRequest.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.audience != null && message.audience.length)
            for (let i = 0; i < message.audience.length; ++i)
                writer.uint32(10).string(message.audience[i]);
        if (message.spiffe_id != null && Object.hasOwnProperty.call(message, "spiffe_id"))
            writer.uint32(18).string(message.spiffe_id);
        return writer;
    };

    JWTSVIDRequest.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.JWTSVIDRequest();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    if (!(message.audience && message.audience.length))
                        message.audience = [];
                    message.audience.push(reader.string());
                    break;
                }
            case 2: {
                    message.spiffe_id = reader.string();
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    JWTSVIDRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/JWTSVIDRequest";
    };

    return JWTSVIDRequest;
})();

export const JWTSVIDResponse = $root.JWTSVIDResponse = (() => {

    function JWTSVIDResponse(properties) {
        this.svids = [];
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    JWTSVIDResponse.prototype.svids = $util.emptyArray;

    JWTSVIDResponse.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.svids != null && message.svids.length)
            for (let i = 0; i < message.svids.length; ++i)
                $root.JWTSVID.encode(message.svids[i], writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
    };

    JWTSVIDResponse.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.JWTSVIDResponse();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    if (!(message.svids && message.svids.length))
                        message.svids = [];
                    message.svids.push($root.JWTSVID.decode(reader, reader.uint32(), undefined, long + 1));
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    JWTSVIDResponse.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/JWTSVIDResponse";
    };

    return JWTSVIDResponse;
})();

export const JWTSVID = $root.JWTSVID = (() => {

    function JWTSVID(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    JWTSVID.prototype.spiffe_id = "";
    JWTSVID.prototype.svid = "";
    JWTSVID.prototype.hint = "";

    JWTSVID.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.spiffe_id != null && Object.hasOwnProperty.call(message, "spiffe_id"))
            writer.uint32(10).string(message.spiffe_id);
        if (message.svid != null && Object.hasOwnProperty.call(message, "svid"))
            writer.uint32(18).string(message.svid);
        if (message.hint != null && Object.hasOwnProperty.call(message, "hint"))
            writer.uint32(26).string(message.hint);
        return writer;
    };

    JWTSVID.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.JWTSVID();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    message.spiffe_id = reader.string();
                    break;
                }
            case 2: {
                    message.svid = reader.string();
                    break;
                }
            case 3: {
                    message.hint = reader.string();
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    JWTSVID.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/JWTSVID";
    };

    return JWTSVID;
})();

export const JWTBundlesRequest = $root.JWTBundlesRequest = (() => {

    function JWTBundlesRequest(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    JWTBundlesRequest.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        return writer;
    };

    JWTBundlesRequest.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.JWTBundlesRequest();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    JWTBundlesRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/JWTBundlesRequest";
    };

    return JWTBundlesRequest;
})();

export const JWTBundlesResponse = $root.JWTBundlesResponse = (() => {

    function JWTBundlesResponse(properties) {
        this.bundles = {};
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    JWTBundlesResponse.prototype.bundles = $util.emptyObject;

    JWTBundlesResponse.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.bundles != null && Object.hasOwnProperty.call(message, "bundles"))
            for (let keys = Object.keys(message.bundles), i = 0; i < keys.length; ++i)
                writer.uint32(10).fork().uint32(10).string(keys[i]).uint32(18).bytes(message.bundles[keys[i]]).ldelim();
        return writer;
    };

    JWTBundlesResponse.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message, key, value;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.JWTBundlesResponse();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    if (message.bundles === $util.emptyObject)
                        message.bundles = {};
                    let end2 = reader.uint32() + reader.pos;
                    if (end2 > reader.len)
                        throw RangeError("index out of range");
                    reader.len = end2;
                    key = "";
                    value = [];
                    while (reader.pos < end2) {
                        let tag2 = reader.uint32();
                        switch (tag2 >>> 3) {
                        case 1:
                            key = reader.string();
                            break;
                        case 2:
                            value = reader.bytes();
                            break;
                        default:
                            reader.skipType(tag2 & 7, long);
                            break;
                        }
                    }
                    if (reader.pos !== end2)
                        throw RangeError("index out of range");
                    reader.len = end;
                    if (key === "__proto__")
                        $util.makeProp(message.bundles, key);
                    message.bundles[key] = value;
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    JWTBundlesResponse.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/JWTBundlesResponse";
    };

    return JWTBundlesResponse;
})();

export const ValidateJWTSVIDRequest = $root.ValidateJWTSVIDRequest = (() => {

    function ValidateJWTSVIDRequest(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    ValidateJWTSVIDRequest.prototype.audience = "";
    ValidateJWTSVIDRequest.prototype.svid = "";

    ValidateJWTSVIDRequest.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.audience != null && Object.hasOwnProperty.call(message, "audience"))
            writer.uint32(10).string(message.audience);
        if (message.svid != null && Object.hasOwnProperty.call(message, "svid"))
            writer.uint32(18).string(message.svid);
        return writer;
    };

    ValidateJWTSVIDRequest.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.ValidateJWTSVIDRequest();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    message.audience = reader.string();
                    break;
                }
            case 2: {
                    message.svid = reader.string();
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    ValidateJWTSVIDRequest.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/ValidateJWTSVIDRequest";
    };

    return ValidateJWTSVIDRequest;
})();

export const ValidateJWTSVIDResponse = $root.ValidateJWTSVIDResponse = (() => {

    function ValidateJWTSVIDResponse(properties) {
        if (properties)
            for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                if (properties[keys[i]] != null && keys[i] !== "__proto__")
                    this[keys[i]] = properties[keys[i]];
    }

    ValidateJWTSVIDResponse.prototype.spiffe_id = "";
    ValidateJWTSVIDResponse.prototype.claims = null;

    ValidateJWTSVIDResponse.encode = function encode(message, writer, q) {
        if (!writer)
            writer = $Writer.create();
        if (q === undefined)
            q = 0;
        if (q > $util.recursionLimit)
            throw Error("max depth exceeded");
        if (message.spiffe_id != null && Object.hasOwnProperty.call(message, "spiffe_id"))
            writer.uint32(10).string(message.spiffe_id);
        if (message.claims != null && Object.hasOwnProperty.call(message, "claims"))
            $root.google.protobuf.Struct.encode(message.claims, writer.uint32(18).fork(), q + 1).ldelim();
        return writer;
    };

    ValidateJWTSVIDResponse.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader))
            reader = $Reader.create(reader);
        if (long === undefined)
            long = 0;
        if (long > $Reader.recursionLimit)
            throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined)
            end = reader.len;
        else {
            end = reader.pos + length;
            if (end > reader.len)
                throw RangeError("index out of range");
            length = reader.len;
            reader.len = end;
        }
        message = new $root.ValidateJWTSVIDResponse();
        while (reader.pos < end) {
            let tag = reader.uint32();
            if (tag === error)
                break;
            switch (tag >>> 3) {
            case 1: {
                    message.spiffe_id = reader.string();
                    break;
                }
            case 2: {
                    message.claims = $root.google.protobuf.Struct.decode(reader, reader.uint32(), undefined, long + 1);
                    break;
                }
            default:
                reader.skipType(tag & 7, long);
                break;
            }
        }
        if (length !== undefined) {
            if (reader.pos !== end)
                throw RangeError("index out of range");
            reader.len = length;
        }
        return message;
    };

    ValidateJWTSVIDResponse.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
        if (typeUrlPrefix === undefined) {
            typeUrlPrefix = "type.googleapis.com";
        }
        return typeUrlPrefix + "/ValidateJWTSVIDResponse";
    };

    return ValidateJWTSVIDResponse;
})();

export const google = $root.google = (() => {

    const google = {};

    google.protobuf = (function() {

        const protobuf = {};

        protobuf.Struct = (function() {

            function Struct(properties) {
                this.fields = {};
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Struct.prototype.fields = $util.emptyObject;

            Struct.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.fields != null && Object.hasOwnProperty.call(message, "fields"))
                    for (let keys = Object.keys(message.fields), i = 0; i < keys.length; ++i) {
                        writer.uint32(10).fork().uint32(10).string(keys[i]);
                        $root.google.protobuf.Value.encode(message.fields[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                return writer;
            };

            Struct.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message, key, value;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.google.protobuf.Struct();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (message.fields === $util.emptyObject)
                                message.fields = {};
                            let end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                let tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.google.protobuf.Value.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.fields, key);
                            message.fields[key] = value;
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Struct.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/google.protobuf.Struct";
            };

            return Struct;
        })();

        protobuf.Value = (function() {

            function Value(properties) {
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Value.prototype.nullValue = null;
            Value.prototype.numberValue = null;
            Value.prototype.stringValue = null;
            Value.prototype.boolValue = null;
            Value.prototype.structValue = null;
            Value.prototype.listValue = null;

            let $oneOfFields;

            Object.defineProperty(Value.prototype, "kind", {
                get: $util.oneOfGetter($oneOfFields = ["nullValue", "numberValue", "stringValue", "boolValue", "structValue", "listValue"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Value.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.nullValue != null && Object.hasOwnProperty.call(message, "nullValue"))
                    writer.uint32(8).int32(message.nullValue);
                if (message.numberValue != null && Object.hasOwnProperty.call(message, "numberValue"))
                    writer.uint32(17).double(message.numberValue);
                if (message.stringValue != null && Object.hasOwnProperty.call(message, "stringValue"))
                    writer.uint32(26).string(message.stringValue);
                if (message.boolValue != null && Object.hasOwnProperty.call(message, "boolValue"))
                    writer.uint32(32).bool(message.boolValue);
                if (message.structValue != null && Object.hasOwnProperty.call(message, "structValue"))
                    $root.google.protobuf.Struct.encode(message.structValue, writer.uint32(42).fork(), q + 1).ldelim();
                if (message.listValue != null && Object.hasOwnProperty.call(message, "listValue"))
                    $root.google.protobuf.ListValue.encode(message.listValue, writer.uint32(50).fork(), q + 1).ldelim();
                return writer;
            };

            Value.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.google.protobuf.Value();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.nullValue = reader.int32();
                            break;
                        }
                    case 2: {
                            message.numberValue = reader.double();
                            break;
                        }
                    case 3: {
                            message.stringValue = reader.string();
                            break;
                        }
                    case 4: {
                            message.boolValue = reader.bool();
                            break;
                        }
                    case 5: {
                            message.structValue = $root.google.protobuf.Struct.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 6: {
                            message.listValue = $root.google.protobuf.ListValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Value.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/google.protobuf.Value";
            };

            return Value;
        })();

        protobuf.NullValue = (function() {
            const valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "NULL_VALUE"] = 0;
            return values;
        })();

        protobuf.ListValue = (function() {

            function ListValue(properties) {
                this.values = [];
                if (properties)
                    for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            ListValue.prototype.values = $util.emptyArray;

            ListValue.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.values != null && message.values.length)
                    for (let i = 0; i < message.values.length; ++i)
                        $root.google.protobuf.Value.encode(message.values[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            ListValue.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                let end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.google.protobuf.ListValue();
                while (reader.pos < end) {
                    let tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.values && message.values.length))
                                message.values = [];
                            message.values.push($root.google.protobuf.Value.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            ListValue.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/google.protobuf.ListValue";
            };

            return ListValue;
        })();

        return protobuf;
    })();

    return google;
})();

export { $root as default };
