// Clusters and databases through @azure/arm-kusto against the emulator's default world.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { World, kustoClient, resourceGroupId, startEmulator } from "../lib/emulator.js";

const { resourceGroup: rg, cluster, database } = World;

describe("Kusto clusters and databases through @azure/arm-kusto", () => {
  let emulator;
  let kusto;

  before(async () => {
    emulator = await startEmulator();
    kusto = kustoClient(emulator);
  });

  after(async () => {
    await emulator?.stop();
  });

  test("clusters.get returns the default cluster with its uri and state", async () => {
    const got = await kusto.clusters.get(rg, cluster);
    assert.equal(got.name, cluster);
    assert.equal(got.type, "Microsoft.Kusto/Clusters");
    assert.equal(got.id.toLowerCase(), `${resourceGroupId(emulator)}/providers/Microsoft.Kusto/Clusters/${cluster}`.toLowerCase());
    assert.equal(got.state, "Running");
    assert.equal(got.provisioningState, "Succeeded");
    assert.match(got.uri, new RegExp(`^https://${cluster}\\.`));
    assert.ok(got.sku?.name, "the cluster has a sku");
  });

  test("clusters.listByResourceGroup pages through the group's clusters", async () => {
    const names = [];
    for await (const item of kusto.clusters.listByResourceGroup(rg)) {
      names.push(item.name);
    }
    assert.deepEqual(names, [cluster]);
  });

  test("databases.get returns a read-write database with its periods", async () => {
    const got = await kusto.databases.get(rg, cluster, database);
    assert.equal(got.kind, "ReadWrite");
    assert.equal(got.name, `${cluster}/${database}`);
    assert.equal(got.type, "Microsoft.Kusto/Clusters/Databases");
    assert.equal(got.softDeletePeriod, "P365D");
    assert.equal(got.hotCachePeriod, "P31D");
    assert.equal(got.provisioningState, "Succeeded");
  });

  test("databases.listByCluster pages through the cluster's databases", async () => {
    const names = [];
    for await (const item of kusto.databases.listByCluster(rg, cluster)) {
      names.push(item.name);
    }
    assert.deepEqual(names, [`${cluster}/${database}`]);
  });

  test("a missing cluster surfaces as RestError 404 ResourceNotFound", async () => {
    await assert.rejects(kusto.clusters.get(rg, "nosuchcluster"), (error) => {
      assert.equal(error?.name, "RestError", `expected a RestError, got ${error}`);
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, "ResourceNotFound");
      return true;
    });
  });
});
