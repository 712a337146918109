// @azure/identity's ClientSecretCredential against the emulator's Entra ID, alone and under an ARM client.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { World, credential, kustoClient, startEmulator } from "../lib/emulator.js";

const ARM_SCOPE = "https://management.azure.com/.default";

describe("Entra ID through @azure/identity", () => {
  let emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(async () => {
    await emulator?.stop();
  });

  test("ClientSecretCredential gets an ARM token with a future expiry", async () => {
    const token = await credential(emulator).getToken(ARM_SCOPE);
    assert.equal(token.token.split(".").length, 3, "a JWT has three parts");
    assert.ok(token.expiresOnTimestamp > Date.now());
    const payload = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
    assert.equal(payload.tid, emulator.tenantId);
    assert.equal(payload.appid ?? payload.azp, World.clientId);
  });

  test("a wrong client secret fails with the AADSTS code and never shows the secret", async () => {
    const wrongSecret = "not-the-secret-" + process.pid;
    await assert.rejects(credential(emulator, { clientSecret: wrongSecret }).getToken(ARM_SCOPE), (error) => {
      // @azure/identity wraps MSAL's ServerError (invalid_client) in an AuthenticationRequiredError.
      assert.equal(error?.name, "AuthenticationRequiredError", `expected an AuthenticationRequiredError, got ${error}`);
      assert.equal(error.cause?.errorCode, "invalid_client");
      assert.match(error.message, /AADSTS7000215/);
      assert.ok(!error.message.includes(wrongSecret), "the secret is not in the message");
      return true;
    });
  });

  test("an ARM client whose credential has a wrong secret fails with the AADSTS code", async () => {
    const kusto = kustoClient(emulator, credential(emulator, { clientSecret: "wrong" }));
    await assert.rejects(kusto.clusters.get(World.resourceGroup, World.cluster), /AADSTS7000215/);
  });
});
