namespace KustoConnect.Emulator;

/// <summary>The fixed values of the shipped default world (world.default.json).</summary>
public static class DefaultWorld
{
    public const string TenantId = "8a3c1f2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
    public const string SubscriptionId = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10";
    public const string SubscriptionDisplayName = "KustoConnect Emulator";

    /// <summary>Service principal with Contributor on the subscription.</summary>
    public const string ClientId = "5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978";
    public const string ClientSecret = "kc-emulator-demo-secret-7Qw9Zr2Lx5";

    /// <summary>Service principal with Reader on the subscription.</summary>
    public const string ReaderClientId = "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    public const string ReaderClientSecret = "kc-emulator-reader-secret-3Hn8Vb1Kp4";

    /// <summary>The system-assigned managed identity (Contributor) served by the managed-identity endpoint.</summary>
    public const string SystemIdentityClientId = "c4b3a291-8f7e-4d6c-9b5a-4e3d2c1b0a99";

    /// <summary>A user-assigned managed identity (Contributor), chosen with client_id on the managed-identity endpoint.</summary>
    public const string UserIdentityClientId = "e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9";

    /// <summary>The X-IDENTITY-HEADER value the managed-identity endpoint expects (App Service's IDENTITY_HEADER).</summary>
    public const string IdentityHeader = "kc-emulator-identity-header-5Tg2";

    /// <summary>A person (Contributor on the subscription) who signs in with the device-code flow.</summary>
    public const string UserPrincipalName = "kustoadmin@contoso.example";
    public const string UserObjectId = "b7e3c2a1-4d5f-4e6a-8b9c-0d1e2f3a4b5c";
    public const string UserDisplayName = "Kusto Admin";

    public const string ResourceGroup = "testrg";
    public const string ClusterName = "mykustocluster";
    public const string DatabaseName = "mykustodatabase";
    public const string IotHubName = "mykustoiothub";
    public const string SecondIotHubName = "mykustoiothub2";
    public const string IotHubResourceId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.Devices/IotHubs/" + IotHubName;
    public const string EventHubNamespaceName = "mykustoeventhubns";
    public const string EventHubName = "myeventhub";
    public const string EventHubResourceId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.EventHub/namespaces/" + EventHubNamespaceName + "/eventhubs/" + EventHubName;
    public const string StorageAccountName = "mykustostorage";
    public const string StorageAccountResourceId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.Storage/storageAccounts/" + StorageAccountName;
    public const string CosmosDbAccountName = "mykustocosmos";
    public const string CosmosDbAccountResourceId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.DocumentDB/databaseAccounts/" + CosmosDbAccountName;
    public const string CosmosDbDatabaseName = "mydb";
    public const string CosmosDbContainerName = "mycontainer";
    public const string ManagedIdentityName = "mykustoidentity";
    public const string ManagedIdentityResourceId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + ManagedIdentityName;

    /// <summary>Location of the cluster, as ARM displays it.</summary>
    public const string Location = "Central US";

    /// <summary>Location of the resource group and hubs, normalised form.</summary>
    public const string LocationName = "centralus";

    public const string StormEventsTable = "StormEvents";
    public const string StormEventsCsvMapping = "StormEvents_CSV_Mapping";
    public const string TelemetryTable = "Telemetry";
    public const string TelemetryJsonMapping = "Telemetry_JSON_Mapping";
    public const string IotHubConsumerGroup = "kusto";
}
