// One cold run of Microsoft's JS SDK doing what module-run.ps1 does: sign in as a service principal
// (@azure/identity) and list the data connections (@azure/arm-kusto), as a whole node process.
// Started by ColdStart.ps1; the packages come from tests/contract (npm ci there first).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const [, , contractDir, url, tenantId, subscriptionId, clientId, clientSecret, certificatePath] = process.argv;
const require = createRequire(`${contractDir}/package.json`);
const { ClientSecretCredential } = require("@azure/identity");
const { KustoManagementClient } = require("@azure/arm-kusto");
const tlsOptions = { ca: readFileSync(certificatePath, "utf8") };
const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: url, disableInstanceDiscovery: true, tlsOptions });
const client = new KustoManagementClient(credential, subscriptionId, { endpoint: url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions });
let count = 0;
for await (const _ of client.dataConnections.listByDatabase("testrg", "mykustocluster", "mykustodatabase")) count++;
console.log(JSON.stringify({ count }));
