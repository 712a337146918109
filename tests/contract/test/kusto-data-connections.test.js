// Data connections through @azure/arm-kusto (KustoManagementClient, api-version 2023-08-15) against the emulator:
// every kind is created, read, listed, updated, validated and deleted with the SDK's own long-running-operation poller.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  World, admin, cosmosAccountId, eventHubId, identityId, iotHubClient, iotHubId, kustoClient, startEmulator, storageAccountId,
  uniqueName,
} from "../lib/emulator.js";

const { resourceGroup: rg, cluster, database } = World;
const FAST = { updateIntervalInMs: 50 };

/** A 404 from ARM as the SDK surfaces it: a RestError (by name: the CJS and ESM builds hold separate classes). */
function assertNotFound(error) {
  assert.equal(error?.name, "RestError", `expected a RestError, got ${error}`);
  assert.equal(error.statusCode, 404);
  assert.equal(error.code, "ResourceNotFound");
}

describe("Kusto data connections through @azure/arm-kusto", () => {
  let emulator;
  let kusto;
  let iothub;

  before(async () => {
    emulator = await startEmulator();
    kusto = kustoClient(emulator);
    iothub = iotHubClient(emulator);
  });

  after(async () => {
    await emulator?.stop();
  });

  /** A fresh consumer group on the IoT hub, so that no two connections compete for one. */
  async function newIotHubConsumerGroup() {
    const name = uniqueName("cg");
    await iothub.iotHubResource.createEventHubConsumerGroup(rg, World.iotHub, "events", name, { properties: { name } });
    return name;
  }

  function iotHubConnection(consumerGroup, overrides = {}) {
    return {
      kind: "IotHub",
      location: "centralus",
      iotHubResourceId: iotHubId(emulator),
      consumerGroup,
      sharedAccessPolicyName: "iothubowner",
      tableName: World.stormEventsTable,
      mappingRuleName: World.stormEventsCsvMapping,
      dataFormat: "CSV",
      eventSystemProperties: ["message-id", "iothub-enqueuedtime"],
      ...overrides,
    };
  }

  async function listNames() {
    const names = [];
    for await (const item of kusto.dataConnections.listByDatabase(rg, cluster, database)) {
      names.push(item.name);
    }
    return names;
  }

  test("an IoT Hub data connection is created, read, listed, updated and deleted", async () => {
    const name = uniqueName("iot");
    const consumerGroup = await newIotHubConsumerGroup();

    const created = await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, iotHubConnection(consumerGroup), FAST);
    assert.equal(created.kind, "IotHub");
    assert.equal(created.name, `${cluster}/${database}/${name}`);
    assert.equal(created.provisioningState, "Succeeded");
    assert.equal(created.consumerGroup, consumerGroup);

    const got = await kusto.dataConnections.get(rg, cluster, database, name);
    assert.equal(got.kind, "IotHub");
    assert.equal(got.type, "Microsoft.Kusto/Clusters/Databases/DataConnections");
    assert.equal(got.id.toLowerCase(), `/subscriptions/${emulator.subscriptionId}/resourcegroups/${rg}/providers/microsoft.kusto/clusters/${cluster}/databases/${database}/dataconnections/${name}`.toLowerCase());
    assert.equal(got.iotHubResourceId.toLowerCase(), iotHubId(emulator).toLowerCase());
    assert.equal(got.sharedAccessPolicyName, "iothubowner");
    assert.equal(got.tableName, World.stormEventsTable);
    assert.equal(got.mappingRuleName, World.stormEventsCsvMapping);
    assert.equal(got.dataFormat, "CSV");
    assert.deepEqual(got.eventSystemProperties, ["message-id", "iothub-enqueuedtime"]);
    assert.equal(got.databaseRouting, "Single");
    assert.equal(got.provisioningState, "Succeeded");

    assert.ok((await listNames()).includes(`${cluster}/${database}/${name}`));

    const updated = await kusto.dataConnections.beginUpdateAndWait(rg, cluster, database, name,
      iotHubConnection(consumerGroup, { tableName: World.telemetryTable, mappingRuleName: World.telemetryJsonMapping, dataFormat: "JSON" }), FAST);
    assert.equal(updated.kind, "IotHub");
    assert.equal(updated.provisioningState, "Succeeded");
    const afterUpdate = await kusto.dataConnections.get(rg, cluster, database, name);
    assert.equal(afterUpdate.tableName, World.telemetryTable);
    assert.equal(afterUpdate.mappingRuleName, World.telemetryJsonMapping);
    assert.equal(afterUpdate.dataFormat, "JSON");

    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);
    assert.ok(!(await listNames()).includes(`${cluster}/${database}/${name}`));
    await assert.rejects(kusto.dataConnections.get(rg, cluster, database, name), (error) => {
      assertNotFound(error);
      return true;
    });
  });

  test("the SDK's pollers meet ARM's status codes and never need a retry", async () => {
    const name = uniqueName("wire");
    const consumerGroup = await newIotHubConsumerGroup();
    assert.equal((await admin(emulator, "DELETE", "requests")).status, 204);

    await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, iotHubConnection(consumerGroup), FAST);
    await kusto.dataConnections.beginUpdateAndWait(rg, cluster, database, name, iotHubConnection(consumerGroup, { dataFormat: "JSON" }), FAST);
    await kusto.dataConnections.beginDataConnectionValidationAndWait(rg, cluster, database,
      { dataConnectionName: name, properties: iotHubConnection(consumerGroup) }, FAST);
    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);

    const log = (await admin(emulator, "GET", "requests")).body.value;
    const first = (method) => log.find((entry) => entry.method === method && !entry.path.includes("/operationResults/"));
    assert.equal(first("PUT")?.status, 201, "create answers 201");
    assert.equal(first("PATCH")?.status, 200, "update answers 200");
    assert.equal(first("POST")?.status, 202, "validation answers 202");
    assert.equal(first("DELETE")?.status, 202, "delete answers 202");
    const failed = log.filter((entry) => entry.status >= 400);
    assert.deepEqual(failed, [], "no request was refused or retried");
    assert.ok(log.some((entry) => entry.path.includes("/operationResults/")), "the pollers followed the operation URLs");
  });

  test("an Event Hub data connection is created with a managed identity and read back", async () => {
    const name = uniqueName("eh");
    const created = await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, {
      kind: "EventHub",
      location: "centralus",
      eventHubResourceId: eventHubId(emulator),
      consumerGroup: "$Default",
      tableName: World.telemetryTable,
      mappingRuleName: World.telemetryJsonMapping,
      dataFormat: "JSON",
      eventSystemProperties: ["x-opt-enqueued-time"],
      compression: "GZip",
      managedIdentityResourceId: identityId(emulator),
    }, FAST);
    assert.equal(created.kind, "EventHub");
    assert.equal(created.provisioningState, "Succeeded");

    const got = await kusto.dataConnections.get(rg, cluster, database, name);
    assert.equal(got.kind, "EventHub");
    assert.equal(got.eventHubResourceId.toLowerCase(), eventHubId(emulator).toLowerCase());
    assert.equal(got.consumerGroup, "$Default");
    assert.equal(got.compression, "GZip");
    assert.deepEqual(got.eventSystemProperties, ["x-opt-enqueued-time"]);
    assert.equal(got.managedIdentityResourceId.toLowerCase(), identityId(emulator).toLowerCase());
    assert.match(got.managedIdentityObjectId, /^[0-9a-f-]{36}$/);

    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);
  });

  test("an Event Grid data connection is created and read back", async () => {
    const name = uniqueName("eg");
    const created = await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, {
      kind: "EventGrid",
      location: "centralus",
      storageAccountResourceId: storageAccountId(emulator),
      eventHubResourceId: eventHubId(emulator),
      consumerGroup: "kusto",
      tableName: World.stormEventsTable,
      mappingRuleName: World.stormEventsCsvMapping,
      dataFormat: "CSV",
      ignoreFirstRecord: true,
      blobStorageEventType: "Microsoft.Storage.BlobCreated",
    }, FAST);
    assert.equal(created.kind, "EventGrid");
    assert.equal(created.provisioningState, "Succeeded");

    const got = await kusto.dataConnections.get(rg, cluster, database, name);
    assert.equal(got.kind, "EventGrid");
    assert.equal(got.storageAccountResourceId.toLowerCase(), storageAccountId(emulator).toLowerCase());
    assert.equal(got.consumerGroup, "kusto");
    assert.equal(got.ignoreFirstRecord, true);
    assert.equal(got.blobStorageEventType, "Microsoft.Storage.BlobCreated");

    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);
  });

  test("a Cosmos DB data connection is created and read back", async () => {
    const name = uniqueName("cosmos");
    const created = await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, {
      kind: "CosmosDb",
      location: "centralus",
      tableName: World.telemetryTable,
      mappingRuleName: World.telemetryJsonMapping,
      managedIdentityResourceId: identityId(emulator),
      cosmosDbAccountResourceId: cosmosAccountId(emulator),
      cosmosDbDatabase: World.cosmosDatabase,
      cosmosDbContainer: World.cosmosContainer,
    }, FAST);
    assert.equal(created.kind, "CosmosDb");
    assert.equal(created.provisioningState, "Succeeded");

    const got = await kusto.dataConnections.get(rg, cluster, database, name);
    assert.equal(got.kind, "CosmosDb");
    assert.equal(got.cosmosDbAccountResourceId.toLowerCase(), cosmosAccountId(emulator).toLowerCase());
    assert.equal(got.cosmosDbDatabase, World.cosmosDatabase);
    assert.equal(got.cosmosDbContainer, World.cosmosContainer);
    assert.equal(got.tableName, World.telemetryTable);

    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);
  });

  test("validation of a correct data connection returns an empty list", async () => {
    const consumerGroup = await newIotHubConsumerGroup();
    const result = await kusto.dataConnections.beginDataConnectionValidationAndWait(rg, cluster, database, {
      dataConnectionName: uniqueName("valid"),
      properties: iotHubConnection(consumerGroup),
    }, FAST);
    assert.deepEqual(result.value ?? [], []);
  });

  test("validation of a wrong data connection returns one message per problem", async () => {
    const result = await kusto.dataConnections.beginDataConnectionValidationAndWait(rg, cluster, database, {
      dataConnectionName: uniqueName("invalid"),
      properties: iotHubConnection("no-such-consumer-group", { tableName: "NoSuchTable", sharedAccessPolicyName: "registryRead" }),
    }, FAST);
    const messages = (result.value ?? []).map((v) => v.errorMessage);
    assert.ok(messages.length >= 3, `expected at least three messages, got ${JSON.stringify(messages)}`);
    assert.ok(messages.some((m) => m.includes("no-such-consumer-group")), JSON.stringify(messages));
    assert.ok(messages.some((m) => m.includes("NoSuchTable")), JSON.stringify(messages));
    assert.ok(messages.some((m) => m.includes("registryRead")), JSON.stringify(messages));
  });

  test("checkNameAvailability tells a free name from a taken one", async () => {
    const name = uniqueName("taken");
    const consumerGroup = await newIotHubConsumerGroup();
    await kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, iotHubConnection(consumerGroup), FAST);

    const type = "Microsoft.Kusto/clusters/databases/dataConnections";
    const free = await kusto.dataConnections.checkNameAvailability(rg, cluster, database, { name: uniqueName("free"), type });
    assert.equal(free.nameAvailable, true);
    const taken = await kusto.dataConnections.checkNameAvailability(rg, cluster, database, { name, type });
    assert.equal(taken.nameAvailable, false);
    assert.equal(taken.name, name);
    assert.ok(taken.message && taken.message.length > 0);

    await kusto.dataConnections.beginDeleteAndWait(rg, cluster, database, name, FAST);
  });

  test("a create that the service fails surfaces the operation's error code", async () => {
    const name = uniqueName("fails");
    await assert.rejects(
      kusto.dataConnections.beginCreateOrUpdateAndWait(rg, cluster, database, name, iotHubConnection("no-such-consumer-group"), FAST),
      (error) => {
        // core-lro turns a Failed operation status into "The long-running operation has failed. <code>. <message>".
        assert.match(error.message, /has failed\. ConsumerGroupNotFound\. /);
        assert.match(error.message, /no-such-consumer-group/);
        return true;
      });
  });

  test("a missing data connection surfaces as RestError 404 ResourceNotFound", async () => {
    await assert.rejects(kusto.dataConnections.get(rg, cluster, database, uniqueName("missing")), (error) => {
      assertNotFound(error);
      return true;
    });
  });
});
