/**
 * What a protocol is to opennotice: one object per protocol folder that declares how it is
 * reached (transport, default ports), what a grab of it produces (a typed result, and the
 * fields of that result identification rules may read) and, when the protocol has a login,
 * the checker that tries the credential dictionary on it. The registry (registry.ts) lists
 * these objects; survey ports, rule validation and the docs tables all derive from it.
 */
import type { GrabResult, ReflectionMeasure, Target } from '../core/records.ts';
import type { CredentialChecker } from './credential-checker.ts';
import type { GrabContext, GrabOutcome, Transport } from './grab.ts';

export type { ReflectionMeasure, Transport };

/**
 * How a field looks in a grab result, for the rules that read it:
 * - text / number / boolean: matched directly (numbers and booleans as their decimal text);
 * - list: never matched (rules match text), so naming it is an error;
 * - header-map: needs one more, lower-case segment (`headers.server`);
 * - an object: needs one more segment naming one of its fields (`auth.realm`).
 */
export type FieldShape = 'text' | 'number' | 'boolean' | 'list' | 'header-map' | { readonly [field: string]: FieldShape };

/** Every field of one protocol's result with its shape. */
export type FieldTable = { readonly [field: string]: FieldShape };

/** The shape a value of type T must be declared with (checked by the compiler in each protocol). */
type ShapeOf<T> = [T] extends [string]
  ? 'text'
  : [T] extends [number]
    ? 'number'
    : [T] extends [boolean]
      ? 'boolean'
      : [T] extends [readonly unknown[]]
        ? 'list'
        : [T] extends [Readonly<Record<string, string>>]
          ? 'header-map' | FieldsOf<T>
          : [T] extends [object]
            ? FieldsOf<T>
            : never;

/**
 * The field table of a result type: every field of R, optional ones included, with its shape.
 * A protocol that adds a field to its result and forgets to declare it does not compile.
 */
export type FieldsOf<R> = { readonly [K in keyof R]-?: ShapeOf<NonNullable<R[K]>> };

/**
 * How a protocol is recognised on a port, whatever the port's number (protocols/detect.ts runs
 * these): first what the service volunteers on connect, then, if it stays silent, one harmless
 * request per candidate protocol, starting with the port's usual one. For a `tls` protocol the
 * same happens inside a TLS session. Both tests must be cheap and must not throw.
 */
export interface ProtocolDetection {
  /**
   * The service speaks first (telnet, SSH, FTP): do these volunteered bytes belong to this
   * protocol? They are what arrived within the banner wait, possibly only the start of a greeting.
   */
  banner?(bytes: Buffer): boolean;
  /**
   * The client speaks first (HTTP, RTSP, MQTT, ADB): one harmless request, sent when the service
   * volunteered nothing, and whether the reply (what arrived before the reply wait ended) is this
   * protocol's. The request must be safe to send to any service: no login, no command.
   */
  probe?: {
    /**
     * The request. For a UDP protocol it is the first request its grab sends (the same encoder),
     * which the UDP stage's sweep sends every target before any grab; `context` carries what the
     * grab would read from its GrabContext (the DNS check name).
     */
    request(target: Target, context?: ProbeContext): Uint8Array;
    /** Whether one reply datagram (UDP) or what arrived (TCP) is this protocol's answer: structural, never throws. */
    matches(reply: Buffer): boolean;
    /**
     * Send this probe only on the protocol's own ports. For protocols carried by another's
     * request (UPnP and CWMP answer HTTP's GET): elsewhere that protocol's probe is sent anyway
     * and its reply is matched against this test too, so a probe of their own would be spent twice.
     */
    ownPortsOnly?: boolean;
  };
}

/** What a probe's request may depend on besides the target: the part of the grab's context it reads. */
export type ProbeContext = Pick<GrabContext, 'resolverCheckName'>;

/** A protocol as its folder writes it, with its own result type R. */
export interface ProtocolDefinition<R extends GrabResult> {
  /** Lower-case name used in observations, findings, rules and reports: "telnet". */
  name: string;
  /** What it is and why a survey reads it, in a few words (the docs' protocol table). */
  description: string;
  transport: Transport;
  /** Ports surveyed by default, where an open port is taken to speak this protocol. */
  defaultPorts: readonly number[];
  /** Ports it is also commonly found on: taken to speak it when surveyed, not surveyed by default. */
  otherPorts?: readonly number[];
  /** The fields of R that identification rules may read. */
  fields: FieldsOf<R>;
  /** What a field holds, where its name does not say it all (the docs' field table). */
  fieldNotes?: { readonly [K in keyof R]?: string };
  /** How to recognise the protocol on any port; without it, it is only assumed on its own ports. */
  detect?: ProtocolDetection;
  /**
   * Another protocol whose identification rules also read this one's services, because this one
   * is that one inside TLS with the same result fields (https → http, mqtts → mqtt): a rule for a
   * device's web page must not miss it because the page came over TLS. Dictionary entries known
   * on that protocol are tried on this one too.
   */
  rulesOf?: string;
  /**
   * Grab one service. `ctx.dial` speaks the protocol's transport: a `tls` protocol's connections
   * are TLS sessions (their `tls` details set). Must not throw for network trouble; the runner
   * catches what escapes.
   */
  grab(ctx: GrabContext, target: Target): Promise<GrabOutcome<R>>;
  /** The login checker, for protocols that have a login the dictionary can be tried on. */
  credentials?: CredentialChecker<R>;
  /**
   * For UDP protocols a reflection attack can abuse: what the grab measured of its amplifying
   * request, read back from the grab's result; undefined when the service did not answer it
   * (or answered with something that is not the protocol's reply). The survey turns it into a
   * `reflector` finding.
   */
  reflection?(result: Partial<R>): ReflectionMeasure | undefined;
}

/** A protocol as the framework sees it: the same object, its result type erased to JSON. */
export interface Protocol {
  readonly name: string;
  readonly description: string;
  readonly transport: Transport;
  readonly defaultPorts: readonly number[];
  readonly otherPorts: readonly number[];
  readonly fields: FieldTable;
  readonly fieldNotes: { readonly [field: string]: string | undefined };
  readonly detect?: ProtocolDetection;
  readonly rulesOf?: string;
  grab(ctx: GrabContext, target: Target): Promise<GrabOutcome>;
  readonly credentials?: CredentialChecker;
  reflection?(result: Partial<GrabResult>): ReflectionMeasure | undefined;
}

/**
 * Give a protocol folder's definition the framework's view. Its checker is only ever handed
 * observations that its own grab produced (the survey looks the protocol up by the
 * observation's name), which is why the result type can be erased here, in one place.
 * @example export default defineProtocol<FtpResult>({ name: 'ftp', transport: 'tcp', defaultPorts: [21], fields: { banner: 'text', code: 'number' }, grab })
 */
export function defineProtocol<R extends GrabResult>(definition: ProtocolDefinition<R>): Protocol {
  return {
    name: definition.name,
    description: definition.description,
    transport: definition.transport,
    defaultPorts: definition.defaultPorts,
    otherPorts: definition.otherPorts ?? [],
    fields: definition.fields as FieldTable,
    fieldNotes: definition.fieldNotes ?? {},
    ...(definition.detect ? { detect: definition.detect } : {}),
    ...(definition.rulesOf ? { rulesOf: definition.rulesOf } : {}),
    grab: definition.grab,
    ...(definition.credentials ? { credentials: definition.credentials as unknown as CredentialChecker } : {}),
    // The same erasure as the checker's: reflection only ever reads results of this protocol's own grab.
    ...(definition.reflection ? { reflection: definition.reflection as (result: Partial<GrabResult>) => ReflectionMeasure | undefined } : {}),
  };
}
