// Starts the KustoConnect emulator as a child process on a free loopback port, with its own temporary data
// directory, and builds Microsoft's clients pointed at it. Every client trusts exactly the emulator's certificate
// (passed as the only CA through the pipeline's TLS options): TLS validation stays on.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ClientSecretCredential } from "@azure/identity";
import { KustoManagementClient } from "@azure/arm-kusto";
import { IotHubClient } from "@azure/arm-iothub";

const READY_MARKER = "KUSTOCONNECT_EMULATOR_READY ";
const START_TIMEOUT_MS = 60_000;

// The default world's principals and resources (src/KustoConnect.Emulator/world.default.json).
export const World = Object.freeze({
  clientId: "5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978",
  clientSecret: "kc-emulator-demo-secret-7Qw9Zr2Lx5",
  resourceGroup: "testrg",
  cluster: "mykustocluster",
  database: "mykustodatabase",
  iotHub: "mykustoiothub",
  iotHub2: "mykustoiothub2",
  eventHubNamespace: "mykustoeventhubns",
  eventHub: "myeventhub",
  storageAccount: "mykustostorage",
  cosmosAccount: "mykustocosmos",
  cosmosDatabase: "mydb",
  cosmosContainer: "mycontainer",
  identity: "mykustoidentity",
  stormEventsTable: "StormEvents",
  stormEventsCsvMapping: "StormEvents_CSV_Mapping",
  telemetryTable: "Telemetry",
  telemetryJsonMapping: "Telemetry_JSON_Mapping",
});

const ARM_SCOPE = "https://management.azure.com/.default";

/** The emulator dll: KUSTOCONNECT_EMULATOR_DLL (set by build.ps1), else the Release build in the tree. */
function emulatorDll() {
  const dll = process.env.KUSTOCONNECT_EMULATOR_DLL;
  if (!dll) {
    throw new Error(
      "KUSTOCONNECT_EMULATOR_DLL is not set: run the suite through build.ps1 test, or set it to the built KustoConnect.Emulator.dll.",
    );
  }
  return dll;
}

/**
 * Starts the emulator: `dotnet <dll> --port 0 --operation-duration <s> --data-dir <temp>`; resolves once it
 * printed its READY line. Call stop() on the result when done.
 */
export async function startEmulator({ operationDuration = 0.2 } = {}) {
  const dataDirectory = await mkdtemp(join(tmpdir(), "kustoconnect-contract-"));
  const child = spawn(
    "dotnet",
    [emulatorDll(), "--port", "0", "--operation-duration", String(operationDuration), "--data-dir", dataDirectory],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let ready;
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The emulator printed no READY line within ${START_TIMEOUT_MS} ms. ${stderr}`)), START_TIMEOUT_MS);
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        if (line.startsWith(READY_MARKER)) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(READY_MARKER.length)));
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`The emulator exited before it was ready (code ${code}, signal ${signal}). ${stderr}`));
      });
    });
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dataDirectory, { recursive: true, force: true });
    throw error;
  }

  const certificatePem = await readFile(ready.certificatePath, "utf8");
  const url = ready.url.replace(/\/$/, "");
  return {
    url,
    tenantId: ready.tenantId,
    subscriptionId: ready.subscriptionId,
    certificatePem,
    /** Pipeline options that make a client trust exactly the emulator's certificate. */
    tlsOptions: { ca: certificatePem },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timeout = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timeout);
      }
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** ClientSecretCredential against the emulator's Entra ID, as a user would point it at a sovereign cloud. */
export function credential(emulator, { clientId = World.clientId, clientSecret = World.clientSecret } = {}) {
  return new ClientSecretCredential(emulator.tenantId, clientId, clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
    tlsOptions: emulator.tlsOptions,
    retryOptions: { maxRetries: 0 },
  });
}

function clientOptions(emulator) {
  return { endpoint: emulator.url, credentialScopes: [ARM_SCOPE], tlsOptions: emulator.tlsOptions };
}

export function kustoClient(emulator, cred = credential(emulator)) {
  return new KustoManagementClient(cred, emulator.subscriptionId, clientOptions(emulator));
}

export function iotHubClient(emulator, cred = credential(emulator)) {
  return new IotHubClient(cred, emulator.subscriptionId, clientOptions(emulator));
}

export function resourceGroupId(emulator) {
  return `/subscriptions/${emulator.subscriptionId}/resourceGroups/${World.resourceGroup}`;
}

export function iotHubId(emulator, hub = World.iotHub) {
  return `${resourceGroupId(emulator)}/providers/Microsoft.Devices/IotHubs/${hub}`;
}

export function eventHubId(emulator) {
  return `${resourceGroupId(emulator)}/providers/Microsoft.EventHub/namespaces/${World.eventHubNamespace}/eventhubs/${World.eventHub}`;
}

export function storageAccountId(emulator) {
  return `${resourceGroupId(emulator)}/providers/Microsoft.Storage/storageAccounts/${World.storageAccount}`;
}

export function cosmosAccountId(emulator) {
  return `${resourceGroupId(emulator)}/providers/Microsoft.DocumentDB/databaseAccounts/${World.cosmosAccount}`;
}

export function identityId(emulator) {
  return `${resourceGroupId(emulator)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${World.identity}`;
}

let counter = 0;

/** A data-connection or consumer-group name unique within this run (letters, digits and '-'). */
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Calls the emulator's loopback admin API (/_emulator/...) with Node's https, trusting only the emulator's certificate. */
export async function admin(emulator, method, path) {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(`${emulator.url}/_emulator/${path}`, { method, ca: emulator.certificatePem }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, body: body ? JSON.parse(body) : undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}
