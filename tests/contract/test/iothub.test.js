// IoT Hub through @azure/arm-iothub (IotHubClient) against the emulator: the hub, its keys and its consumer groups.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { World, iotHubClient, iotHubId, startEmulator, uniqueName } from "../lib/emulator.js";

const rg = World.resourceGroup;
const hub = World.iotHub;

describe("IoT Hub through @azure/arm-iothub", () => {
  let emulator;
  let iothub;

  before(async () => {
    emulator = await startEmulator();
    iothub = iotHubClient(emulator);
  });

  after(async () => {
    await emulator?.stop();
  });

  async function consumerGroupNames() {
    const names = [];
    for await (const group of iothub.iotHubResource.listEventHubConsumerGroups(rg, hub, "events")) {
      names.push(group.name);
    }
    return names;
  }

  test("iotHubResource.get returns the hub with its events endpoint", async () => {
    const got = await iothub.iotHubResource.get(rg, hub);
    assert.equal(got.name, hub);
    assert.equal(got.id.toLowerCase(), iotHubId(emulator).toLowerCase());
    assert.equal(got.type, "Microsoft.Devices/IotHubs");
    assert.ok(got.sku?.name, "the hub has a sku");
    const events = got.properties?.eventHubEndpoints?.events;
    assert.ok(events, "the hub has an events endpoint");
    assert.ok(events.partitionCount > 0);
    assert.match(events.endpoint, /^sb:\/\//);
  });

  test("iotHubResource.listKeys pages through every shared access policy", async () => {
    const policies = [];
    for await (const rule of iothub.iotHubResource.listKeys(rg, hub)) {
      policies.push(rule);
    }
    assert.deepEqual(policies.map((p) => p.keyName).sort(), ["iothubforread", "iothubowner", "registryRead", "service"]);
    const owner = policies.find((p) => p.keyName === "iothubowner");
    assert.equal(owner.primaryKey, "HeXI4F3E7GyxiW3HetEI8Xn/VNCqdqU2x1o5/rFD6YA=");
    assert.match(owner.rights, /ServiceConnect/);
  });

  test("iotHubResource.getKeysForKeyName returns one policy's keys", async () => {
    const rule = await iothub.iotHubResource.getKeysForKeyName(rg, hub, "service");
    assert.equal(rule.keyName, "service");
    assert.equal(rule.rights, "ServiceConnect");
    assert.equal(rule.primaryKey, "xKI/fc07CL/9t1Ay0LmWykUscNWeQpHQKoXcSws99Ag=");
    assert.equal(rule.secondaryKey, "mO90bS5U8r5y0voQUc5HT6R6HTDeHuDTaBHfa+86Q+8=");
  });

  test("a consumer group is created, read, listed and deleted", async () => {
    const name = uniqueName("cg");
    const created = await iothub.iotHubResource.createEventHubConsumerGroup(rg, hub, "events", name, { properties: { name } });
    assert.equal(created.name, name);
    assert.match(created.id, new RegExp(`/eventHubEndpoints/events/ConsumerGroups/${name}$`, "i"));

    const got = await iothub.iotHubResource.getEventHubConsumerGroup(rg, hub, "events", name);
    assert.equal(got.name, name);
    assert.ok((await consumerGroupNames()).includes(name));

    await iothub.iotHubResource.deleteEventHubConsumerGroup(rg, hub, "events", name);
    assert.ok(!(await consumerGroupNames()).includes(name));
    await assert.rejects(iothub.iotHubResource.getEventHubConsumerGroup(rg, hub, "events", name), (error) => {
      assert.equal(error?.name, "RestError", `expected a RestError, got ${error}`);
      assert.equal(error.statusCode, 404);
      return true;
    });
  });

  test("the default consumer groups are listed, $Default among them", async () => {
    const names = await consumerGroupNames();
    assert.ok(names.includes("$Default"), JSON.stringify(names));
    assert.ok(names.includes("kusto"), JSON.stringify(names));
  });
});
