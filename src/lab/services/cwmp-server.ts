/**
 * A CPE's TR-069 connection-request server, as a site for the lab's HTTP server
 * (http-server.ts): every request without valid credentials gets RomPager's "Protected Object"
 * 401 with a Digest challenge, as the Misfortune Cookie-era gateways answer on 7547. The lab
 * never accepts a connection request: a survey has no business making one.
 */
import { hashText } from '../../core/random.ts';
import type { HttpSite } from '../vendors/profile.ts';

export interface CwmpServerPersona {
  /** The Server header: "RomPager/4.07 UPnP/1.0" on the gateways Misfortune Cookie affected. */
  server: string;
  /** The Digest realm; some vendors use their name, many "IgdAuthentication". */
  realm: string;
  /** Seeds the nonce so that a lab run is reproducible. */
  seed: string;
}

/**
 * @example createLabHttpServer(stats).accept(socket, cwmpServerSite({ server: 'RomPager/4.07 UPnP/1.0', realm: 'IgdAuthentication', seed: ip }))
 */
export function cwmpServerSite(persona: CwmpServerPersona): HttpSite {
  let requests = 0;
  return () => {
    const nonce = hashText(`${persona.seed}:${requests++}`).toString(16).padStart(8, '0').repeat(4);
    const body =
      '<html>\n<head>\n<title>Protected Object</title></head><body>\n<h1>Protected Object</h1>This object on the RomPager server is protected.<p>\n</body></html>';
    return {
      status: 401,
      headers: [
        ['Content-Type', 'text/html'],
        ['WWW-Authenticate', `Digest realm="${persona.realm}", nonce="${nonce}", qop="auth", algorithm=MD5`],
        ['Server', persona.server],
      ],
      body,
      sendDate: false,
    };
  };
}
