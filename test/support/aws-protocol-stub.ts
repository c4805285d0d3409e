// A loopback AWS endpoint that fails the first requests with an error in the wire shape of one protocol, then
// answers an empty success. Retry classification reads the error code out of that shape, so each protocol's shape
// has to be right for a retry test to mean anything.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type AwsProtocol = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'ec2Query' | 'restXml';

export interface StubError {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
}

export interface StubOptions {
  readonly error: StubError;
  /** Requests answered with the error before the first success; Infinity never succeeds. */
  readonly failures: number;
}

export interface AwsProtocolStub {
  readonly endpoint: string;
  /** Requests received so far, failed or not. */
  readonly requests: number;
  close(): Promise<void>;
}

interface Reply {
  readonly contentType: string;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

export async function startAwsProtocolStub(protocol: AwsProtocol, options: StubOptions): Promise<AwsProtocolStub> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const failing = requests <= options.failures;
      const status = failing ? options.error.status : 200;
      try {
        const body = Buffer.concat(chunks).toString();
        const reply = failing ? errorReply(protocol, options.error) : successReply(protocol, body);
        res.writeHead(status, { 'content-type': reply.contentType, 'x-amzn-requestid': 'r', ...reply.headers });
        res.end(reply.body);
      } catch (error) {
        // A 400 the SDK will not retry, so a stub mistake fails the test once instead of crashing the worker.
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps sockets alive; without this close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function errorReply(protocol: AwsProtocol, { status, code, message = 'Rate exceeded' }: StubError): Reply {
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      return {
        contentType: jsonContentType(protocol),
        headers: { 'x-amzn-errortype': code },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'awsQuery': {
      const type = status >= 500 ? 'Receiver' : 'Sender';
      return xml(
        `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
          '<RequestId>r</RequestId></ErrorResponse>',
      );
    }
    case 'ec2Query':
      return xml(
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
          '<RequestID>r</RequestID></Response>',
      );
    case 'restXml':
      return xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`);
  }
}

// The least each protocol's deserializer accepts as a success; query protocols wrap it in the action's name.
function successReply(protocol: AwsProtocol, requestBody: string): Reply {
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      return { contentType: jsonContentType(protocol), body: '{}' };
    case 'awsQuery': {
      const action = queryAction(requestBody);
      return xml(
        `<${action}Response><${action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>` +
          `</${action}Response>`,
      );
    }
    case 'ec2Query': {
      const action = queryAction(requestBody);
      return xml(`<${action}Response><requestId>r</requestId></${action}Response>`);
    }
    case 'restXml':
      return { contentType: 'application/octet-stream', body: '' };
  }
}

function jsonContentType(protocol: 'awsJson1_0' | 'awsJson1_1'): string {
  return protocol === 'awsJson1_0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

function queryAction(requestBody: string): string {
  const action = new URLSearchParams(requestBody).get('Action');
  if (!action) throw new Error(`query request without an Action: ${requestBody}`);
  return action;
}

function xml(body: string): Reply {
  return { contentType: 'text/xml', body };
}
