import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  url: string;
  /** Most API requests in flight at once since the last reset. */
  peakInFlight(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the emulator that records how many
 * requests are in flight at once: the concurrency the provider (or the floor
 * script) actually reaches, as the service would see it.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let inFlight = 0;
  let peak = 0;
  const server = http.createServer((req, res) => {
    const counted = !(req.url ?? "").startsWith("/_emulator/");
    if (counted) {
      inFlight++;
      peak = Math.max(peak, inFlight);
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (counted) inFlight--;
    };
    res.on("close", finish);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    peakInFlight: () => peak,
    reset: () => {
      peak = inFlight;
    },
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
