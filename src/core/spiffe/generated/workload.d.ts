import * as $protobuf from "protobufjs";
import Long = require("long");
export interface IX509SVIDRequest {
}

export class X509SVIDRequest implements IX509SVIDRequest {
    constructor(properties?: IX509SVIDRequest);
    public static encode(message: IX509SVIDRequest, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): X509SVIDRequest;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IX509SVIDResponse {
    svids?: (IX509SVID[]|null);
    crl?: (Uint8Array[]|null);
    federated_bundles?: ({ [k: string]: Uint8Array }|null);
}

export class X509SVIDResponse implements IX509SVIDResponse {
    constructor(properties?: IX509SVIDResponse);
    public svids: IX509SVID[];
    public crl: Uint8Array[];
    public federated_bundles: { [k: string]: Uint8Array };
    public static encode(message: IX509SVIDResponse, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): X509SVIDResponse;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IX509SVID {
    spiffe_id?: (string|null);
    x509_svid?: (Uint8Array|null);
    x509_svid_key?: (Uint8Array|null);
    bundle?: (Uint8Array|null);
    hint?: (string|null);
}

export class X509SVID implements IX509SVID {
    constructor(properties?: IX509SVID);
    public spiffe_id: string;
    public x509_svid: Uint8Array;
    public x509_svid_key: Uint8Array;
    public bundle: Uint8Array;
    public hint: string;
    public static encode(message: IX509SVID, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): X509SVID;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IX509BundlesRequest {
}

export class X509BundlesRequest implements IX509BundlesRequest {
    constructor(properties?: IX509BundlesRequest);
    public static encode(message: IX509BundlesRequest, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): X509BundlesRequest;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IX509BundlesResponse {
    crl?: (Uint8Array[]|null);
    bundles?: ({ [k: string]: Uint8Array }|null);
}

export class X509BundlesResponse implements IX509BundlesResponse {
    constructor(properties?: IX509BundlesResponse);
    public crl: Uint8Array[];
    public bundles: { [k: string]: Uint8Array };
    public static encode(message: IX509BundlesResponse, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): X509BundlesResponse;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IJWTSVIDRequest {
    audience?: (string[]|null);
    spiffe_id?: (string|null);
}

export class JWTSVIDRequest implements IJWTSVIDRequest {
    constructor(properties?: IJWTSVIDRequest);
    public audience: string[];
    public spiffe_id: string;
    public static encode(message: IJWTSVIDRequest, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): JWTSVIDRequest;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IJWTSVIDResponse {
    svids?: (IJWTSVID[]|null);
}

export class JWTSVIDResponse implements IJWTSVIDResponse {
    constructor(properties?: IJWTSVIDResponse);
    public svids: IJWTSVID[];
    public static encode(message: IJWTSVIDResponse, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): JWTSVIDResponse;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IJWTSVID {
    spiffe_id?: (string|null);
    svid?: (string|null);
    hint?: (string|null);
}

export class JWTSVID implements IJWTSVID {
    constructor(properties?: IJWTSVID);
    public spiffe_id: string;
    public svid: string;
    public hint: string;
    public static encode(message: IJWTSVID, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): JWTSVID;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IJWTBundlesRequest {
}

export class JWTBundlesRequest implements IJWTBundlesRequest {
    constructor(properties?: IJWTBundlesRequest);
    public static encode(message: IJWTBundlesRequest, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): JWTBundlesRequest;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IJWTBundlesResponse {
    bundles?: ({ [k: string]: Uint8Array }|null);
}

export class JWTBundlesResponse implements IJWTBundlesResponse {
    constructor(properties?: IJWTBundlesResponse);
    public bundles: { [k: string]: Uint8Array };
    public static encode(message: IJWTBundlesResponse, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): JWTBundlesResponse;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IValidateJWTSVIDRequest {
    audience?: (string|null);
    svid?: (string|null);
}

export class ValidateJWTSVIDRequest implements IValidateJWTSVIDRequest {
    constructor(properties?: IValidateJWTSVIDRequest);
    public audience: string;
    public svid: string;
    public static encode(message: IValidateJWTSVIDRequest, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ValidateJWTSVIDRequest;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export interface IValidateJWTSVIDResponse {
    spiffe_id?: (string|null);
    claims?: (google.protobuf.IStruct|null);
}

export class ValidateJWTSVIDResponse implements IValidateJWTSVIDResponse {
    constructor(properties?: IValidateJWTSVIDResponse);
    public spiffe_id: string;
    public claims?: (google.protobuf.IStruct|null);
    public static encode(message: IValidateJWTSVIDResponse, writer?: $protobuf.Writer): $protobuf.Writer;
    public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ValidateJWTSVIDResponse;
    public static getTypeUrl(typeUrlPrefix?: string): string;
}

export namespace google {

    namespace protobuf {

        interface IStruct {
            fields?: ({ [k: string]: google.protobuf.IValue }|null);
        }

        class Struct implements IStruct {
            constructor(properties?: google.protobuf.IStruct);
            public fields: { [k: string]: google.protobuf.IValue };
            public static encode(message: google.protobuf.IStruct, writer?: $protobuf.Writer): $protobuf.Writer;
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): google.protobuf.Struct;
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        interface IValue {
            nullValue?: (google.protobuf.NullValue|null);
            numberValue?: (number|null);
            stringValue?: (string|null);
            boolValue?: (boolean|null);
            structValue?: (google.protobuf.IStruct|null);
            listValue?: (google.protobuf.IListValue|null);
        }

        class Value implements IValue {
            constructor(properties?: google.protobuf.IValue);
            public nullValue?: (google.protobuf.NullValue|null);
            public numberValue?: (number|null);
            public stringValue?: (string|null);
            public boolValue?: (boolean|null);
            public structValue?: (google.protobuf.IStruct|null);
            public listValue?: (google.protobuf.IListValue|null);
            public kind?: ("nullValue"|"numberValue"|"stringValue"|"boolValue"|"structValue"|"listValue");
            public static encode(message: google.protobuf.IValue, writer?: $protobuf.Writer): $protobuf.Writer;
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): google.protobuf.Value;
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        enum NullValue {
            NULL_VALUE = 0
        }

        interface IListValue {
            values?: (google.protobuf.IValue[]|null);
        }

        class ListValue implements IListValue {
            constructor(properties?: google.protobuf.IListValue);
            public values: google.protobuf.IValue[];
            public static encode(message: google.protobuf.IListValue, writer?: $protobuf.Writer): $protobuf.Writer;
            public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): google.protobuf.ListValue;
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }
    }
}
