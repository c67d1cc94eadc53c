// A scripted MCP client: starts BrowserTools' MCP server (@agentdeskai/browser-tools-mcp, unchanged) over stdio the
// way an AI assistant does, lists its tools, calls the tools named on the command line in that order, and prints one
// JSON line: {"tools":[names], "calls":[{"tool", "result"}]}. The server finds its connector by its own discovery
// (BROWSER_TOOLS_HOST / BROWSER_TOOLS_PORT when this process has them, else its scan of ports 3025-3035).
import { createRequire } from "node:module";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";

const require = createRequire(import.meta.url);
const serverScript = require.resolve("@agentdeskai/browser-tools-mcp/dist/mcp-server.js");

const env = getDefaultEnvironment();
for (const name of ["BROWSER_TOOLS_HOST", "BROWSER_TOOLS_PORT"]) {
  if (process.env[name]) {
    env[name] = process.env[name];
  }
}

const transport = new StdioClientTransport({ command: process.execPath, args: [serverScript], env, stderr: "inherit" });
const client = new Client({ name: "rapidtriage-browsertools-test", version: "1.0.0" });

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  const calls = [];
  for (const tool of process.argv.slice(2)) {
    const result = await client.callTool({ name: tool, arguments: {} }, undefined, { timeout: 60000 });
    calls.push({ tool, result });
  }

  process.stdout.write(JSON.stringify({ tools: tools.map((t) => t.name), calls }) + "\n");
} finally {
  await client.close();
}
