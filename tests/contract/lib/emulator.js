// The KustoConnect emulator that build.ps1 started for this suite (with the module's Start-KustoEmulator, on a free
// loopback port, stopped again when npm test ends), and Microsoft's clients pointed at it. build.ps1 passes where it is
// and whom to sign in as (which it asked the emulator itself, GET /_emulator/connection) in environment variables;
// this file starts no process. Every client trusts exactly the emulator's certificate (passed as the only CA through
// the pipeline's TLS options): TLS validation stays on.
import { readFile } from "node:fs/promises";
import { ClientSecretCredential } from "@azure/identity";
import { KustoManagementClient } from "@azure/arm-kusto";
import { IotHubClient } from "@azure/arm-iothub";

// The default world's principals and resources (src/KustoConnect.Emulator/world.default.json). The principal's
// secret is not here: it comes from the emulator.
export const World = Object.freeze({
  clientId: "5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978",
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

const VARIABLES = Object.freeze({
  url: "KUSTOCONNECT_EMULATOR_URL",
  certificatePath: "KUSTOCONNECT_EMULATOR_CERTIFICATE_PATH",
  tenantId: "KUSTOCONNECT_EMULATOR_TENANT_ID",
  subscriptionId: "KUSTOCONNECT_EMULATOR_SUBSCRIPTION_ID",
  clientId: "KUSTOCONNECT_EMULATOR_CLIENT_ID",
  clientSecret: "KUSTOCONNECT_EMULATOR_CLIENT_SECRET",
});

function setting(name) {
  const variable = VARIABLES[name];
  const value = process.env[variable];
  if (!value) {
    throw new Error(`${variable} is not set: run the suite through build.ps1 test, which starts the emulator and sets it.`);
  }
  return value;
}

/**
 * The emulator build.ps1 started, reset to its world's seed state (POST /_emulator/reset: resources, faults and the
 * request log), so that each test file begins from the same state. stop() forgets it; build.ps1 stops the process.
 */
export async function startEmulator() {
  const certificatePem = await readFile(setting("certificatePath"), "utf8");
  const emulator = {
    url: setting("url").replace(/\/$/, ""),
    tenantId: setting("tenantId"),
    subscriptionId: setting("subscriptionId"),
    clientId: setting("clientId"),
    clientSecret: setting("clientSecret"),
    certificatePem,
    /** Pipeline options that make a client trust exactly the emulator's certificate. */
    tlsOptions: { ca: certificatePem },
    async stop() {
      // The process belongs to build.ps1.
    },
  };
  const reset = await admin(emulator, "POST", "reset");
  if (reset.status !== 204) {
    throw new Error(`POST /_emulator/reset answered ${reset.status}.`);
  }
  return emulator;
}

/** ClientSecretCredential against the emulator's Entra ID, as a user would point it at a sovereign cloud. */
export function credential(emulator, { clientId = emulator.clientId, clientSecret = emulator.clientSecret } = {}) {
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
