/**
 * A loopback proxy in front of the emulator that holds the service's answer to
 * chosen API paths for a while after the service acted: a slow way back, as on
 * a congested link. A process killed meanwhile leaves sessions the service made
 * but the engine never heard of, which is what recovery after a kill is for.
 * Requests already received are completed upstream even when their client dies,
 * as a real service would.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SlowAnswerProxy {
  url: string;
  /** Answers the service gave that the proxy is still holding. */
  held(): number;
  /** Answers handed on to the client. */
  delivered(): number;
  /** Requests sent upstream and not yet answered by the service. */
  upstreamInFlight(): number;
  /** Hold time for later answers; 0 hands every answer on at once. */
  setHoldMs(ms: number): void;
  close(): Promise<void>;
}

export async function startSlowAnswerProxy(upstream: string, paths: string[], holdMs: number): Promise<SlowAnswerProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  const timers = new Set<NodeJS.Timeout>();
  let hold = holdMs;
  let held = 0;
  let delivered = 0;
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      inFlight++;
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (upstreamRes) => {
          const body: Buffer[] = [];
          upstreamRes.on("data", (chunk: Buffer) => body.push(chunk));
          upstreamRes.on("end", () => {
            inFlight--;
            const answer = () => {
              if (res.destroyed) return;
              res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
              res.end(Buffer.concat(body));
              delivered++;
            };
            const pathname = new URL(req.url ?? "/", "http://proxy.local").pathname;
            if (hold <= 0 || !paths.includes(pathname)) return answer();
            held++;
            const timer = setTimeout(() => {
              timers.delete(timer);
              held--;
              answer();
            }, hold);
            timers.add(timer);
          });
        },
      );
      upstreamReq.on("error", () => {
        inFlight--;
        req.socket.destroy();
      });
      upstreamReq.end(Buffer.concat(chunks));
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => held,
    delivered: () => delivered,
    upstreamInFlight: () => inFlight,
    setHoldMs: (ms) => {
      hold = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
