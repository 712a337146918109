using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KustoConnect.Emulator;

/// <summary>The seeded state of the emulated cloud: tenants, principals, subscriptions and the resources in them.</summary>
public sealed class World
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public List<WorldTenant> Tenants { get; set; } = new();
    public List<WorldServicePrincipal> ServicePrincipals { get; set; } = new();

    /// <summary>People who sign in through public-client flows (device code), each with their own role assignments.</summary>
    public List<WorldUser> Users { get; set; } = new();

    public List<WorldSubscription> Subscriptions { get; set; } = new();

    /// <summary>The secret a caller of the managed-identity endpoint must send as X-IDENTITY-HEADER (App Service's IDENTITY_HEADER).</summary>
    public string IdentityHeader { get; set; } = DefaultWorld.IdentityHeader;

    /// <summary>The file name of the default world, copied beside the emulator assembly.</summary>
    public const string DefaultFileName = "world.default.json";

    internal static string DefaultWorldPath => Path.Combine(AppContext.BaseDirectory, DefaultFileName);

    internal static World Parse(string json)
    {
        var world = JsonSerializer.Deserialize<World>(json, JsonOptions)
            ?? throw new InvalidDataException("The world file is empty.");
        world.Check();
        return world;
    }

    internal static World Load(string? path)
    {
        var file = path ?? DefaultWorldPath;
        try
        {
            return Parse(File.ReadAllText(file));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The world file '{file}' is not valid JSON: {ex.Message}", ex);
        }
    }

    internal string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private void Check()
    {
        foreach (var sp in ServicePrincipals)
        {
            if (string.IsNullOrEmpty(sp.ClientId) || string.IsNullOrEmpty(sp.TenantId))
            {
                throw new InvalidDataException("Every service principal needs a tenantId and a clientId.");
            }
        }

        foreach (var user in Users)
        {
            if (string.IsNullOrEmpty(user.TenantId) || string.IsNullOrEmpty(user.UserPrincipalName) || string.IsNullOrEmpty(user.ObjectId))
            {
                throw new InvalidDataException("Every user needs a tenantId, a userPrincipalName and an objectId.");
            }
        }

        foreach (var sub in Subscriptions)
        {
            if (string.IsNullOrEmpty(sub.Id))
            {
                throw new InvalidDataException("Every subscription needs an id.");
            }
        }
    }

    internal WorldTenant? FindTenant(string tenant) =>
        Tenants.FirstOrDefault(t => Same(t.Id, tenant) || Same(t.DefaultDomain, tenant));

    internal WorldSubscription? FindSubscription(string id) => Subscriptions.FirstOrDefault(s => Same(s.Id, id));

    internal WorldServicePrincipal? FindPrincipal(string clientId) => ServicePrincipals.FirstOrDefault(s => Same(s.ClientId, clientId));

    internal WorldUser? FindUser(string userPrincipalName) => Users.FirstOrDefault(u => Same(u.UserPrincipalName, userPrincipalName));

    internal WorldUser? FindUserByObjectId(string objectId) => Users.FirstOrDefault(u => Same(u.ObjectId, objectId));

    /// <summary>
    /// The role assignments of whoever holds a valid ARM token: the user named by its oid for a user token, else the
    /// service principal named by its appid; null when the world knows neither.
    /// </summary>
    internal IReadOnlyList<WorldRoleAssignment>? RoleAssignmentsOf(TokenCheck token)
    {
        if (token.IsUser)
        {
            return FindUserByObjectId(token.ObjectId ?? "")?.RoleAssignments;
        }

        return FindPrincipal(token.AppId ?? "")?.RoleAssignments;
    }

    internal static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    internal static T? ByName<T>(IEnumerable<T> items, string name)
        where T : class, INamed => items.FirstOrDefault(i => Same(i.Name, name));
}

/// <summary>Something addressed by name, compared case-insensitively.</summary>
public interface INamed
{
    string Name { get; }
}

public sealed class WorldTenant
{
    public string Id { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? DefaultDomain { get; set; }
}

public sealed class WorldServicePrincipal
{
    public string TenantId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    public string? ObjectId { get; set; }
    public string? DisplayName { get; set; }
    public List<WorldRoleAssignment> RoleAssignments { get; set; } = new();

    /// <summary>Public certificates (base64 DER) whose keys may sign a client assertion for this principal.</summary>
    public List<string> Certificates { get; set; } = new();

    /// <summary>"SystemAssigned" or "UserAssigned" when the managed-identity endpoint hands out tokens for this principal.</summary>
    public string? ManagedIdentity { get; set; }

    /// <summary>External identities (workload identity federation) whose tokens this principal accepts as client assertions.</summary>
    public List<WorldFederatedCredential> FederatedCredentials { get; set; } = new();
}

/// <summary>A person of a tenant, who signs in with the device-code flow through a public client such as Azure PowerShell.</summary>
public sealed class WorldUser
{
    public string TenantId { get; set; } = "";

    /// <summary>The sign-in name, e.g. kustoadmin@contoso.example (the upn and preferred_username claims).</summary>
    public string UserPrincipalName { get; set; } = "";

    public string ObjectId { get; set; } = "";
    public string? DisplayName { get; set; }
    public List<WorldRoleAssignment> RoleAssignments { get; set; } = new();
}

/// <summary>A federated identity credential: the issuer and subject of an external token, and the certificate that signs it.</summary>
public sealed class WorldFederatedCredential
{
    public string Issuer { get; set; } = "";
    public string Subject { get; set; } = "";

    /// <summary>The issuer's signing certificate (base64 DER); stands in for the issuer's published keys.</summary>
    public string Certificate { get; set; } = "";
}

public sealed class WorldRoleAssignment
{
    public string Scope { get; set; } = "";

    /// <summary>Owner, Contributor or Reader.</summary>
    public string Role { get; set; } = "Reader";
}

public sealed class WorldSubscription
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public List<WorldResourceGroup> ResourceGroups { get; set; } = new();
}

public sealed class WorldResourceGroup : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
    public List<WorldCluster> KustoClusters { get; set; } = new();
    public List<WorldIotHub> IotHubs { get; set; } = new();
    public List<WorldEventHubNamespace> EventHubNamespaces { get; set; } = new();
    public List<WorldNamedResource> StorageAccounts { get; set; } = new();
    public List<WorldCosmosDbAccount> CosmosDbAccounts { get; set; } = new();
    public List<WorldIdentity> UserAssignedIdentities { get; set; } = new();
}

public sealed class WorldCluster : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "Central US";
    public List<WorldDatabase> Databases { get; set; } = new();

    /// <summary>Null while the cluster simply exists (Succeeded); "Deleting" while a DELETE of it runs.</summary>
    public string? ProvisioningState { get; set; }
}

public sealed class WorldDatabase : INamed
{
    public string Name { get; set; } = "";

    /// <summary>Null while the database simply exists (Succeeded); "Deleting" while a DELETE of it (or its cluster) runs.</summary>
    public string? ProvisioningState { get; set; }

    /// <summary>A database attached from a leader cluster: it cannot hold data connections.</summary>
    public bool ReadOnlyFollower { get; set; }

    public List<WorldTable> Tables { get; set; } = new();
}

public sealed class WorldTable : INamed
{
    public string Name { get; set; } = "";
    public List<WorldMapping> Mappings { get; set; } = new();
}

public sealed class WorldMapping : INamed
{
    public string Name { get; set; } = "";

    /// <summary>Csv, Json, Avro, Parquet, Orc, W3CLogFile, ApacheAvro.</summary>
    public string Kind { get; set; } = "Csv";
}

public sealed class WorldIotHub : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
    public List<WorldAccessPolicy> SharedAccessPolicies { get; set; } = new();
    public List<string> ConsumerGroups { get; set; } = new();
}

public sealed class WorldAccessPolicy
{
    public string KeyName { get; set; } = "";

    /// <summary>Comma separated rights, as IoT Hub spells them: "RegistryWrite, ServiceConnect, DeviceConnect".</summary>
    public string Rights { get; set; } = "";

    public string PrimaryKey { get; set; } = "";
    public string SecondaryKey { get; set; } = "";

    internal bool Grants(string right) =>
        Rights.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(r => World.Same(r, right));
}

public sealed class WorldEventHubNamespace : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
    public List<WorldEventHub> EventHubs { get; set; } = new();
}

public sealed class WorldEventHub : INamed
{
    public string Name { get; set; } = "";
    public List<string> ConsumerGroups { get; set; } = new();
}

public sealed class WorldNamedResource : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
}

public sealed class WorldCosmosDbAccount : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
    public List<WorldCosmosDbDatabase> SqlDatabases { get; set; } = new();
}

public sealed class WorldCosmosDbDatabase : INamed
{
    public string Name { get; set; } = "";
    public List<string> Containers { get; set; } = new();
}

public sealed class WorldIdentity : INamed
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "centralus";
    public string PrincipalId { get; set; } = "";
    public string ClientId { get; set; } = "";
}

/// <summary>Azure location names: the normalised form ("eastus2") and the display form ("East US 2").</summary>
internal static class Locations
{
    private static readonly (string Name, string Display)[] Known =
    {
        ("centralus", "Central US"), ("eastus", "East US"), ("eastus2", "East US 2"), ("westus", "West US"),
        ("westus2", "West US 2"), ("westus3", "West US 3"), ("northcentralus", "North Central US"),
        ("southcentralus", "South Central US"), ("westcentralus", "West Central US"), ("northeurope", "North Europe"),
        ("westeurope", "West Europe"), ("uksouth", "UK South"), ("ukwest", "UK West"), ("francecentral", "France Central"),
        ("germanywestcentral", "Germany West Central"), ("swedencentral", "Sweden Central"),
        ("switzerlandnorth", "Switzerland North"), ("southeastasia", "Southeast Asia"), ("eastasia", "East Asia"),
        ("japaneast", "Japan East"), ("japanwest", "Japan West"), ("australiaeast", "Australia East"),
        ("centralindia", "Central India"), ("canadacentral", "Canada Central"), ("brazilsouth", "Brazil South"),
        ("koreacentral", "Korea Central"), ("centraluseuap", "Central US EUAP"),
    };

    public static string Normalize(string location)
    {
        var compact = location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return compact;
    }

    public static string Display(string location)
    {
        var name = Normalize(location);
        foreach (var (n, d) in Known)
        {
            if (n == name)
            {
                return d;
            }
        }

        return location;
    }
}
