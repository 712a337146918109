using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace KustoConnect.Emulator;

/// <summary>A device code handed out by /{tenant}/oauth2/v2.0/devicecode, until it is redeemed or expires.</summary>
internal sealed class DeviceCodeGrant
{
    public required string DeviceCode { get; init; }
    public required string UserCode { get; init; }
    public required string ClientId { get; init; }

    /// <summary>The tenant segment of the request: a tenant id or domain, or "organizations" / "common".</summary>
    public required string Tenant { get; init; }

    /// <summary>The audience of the access token (the resource of the requested scope), e.g. https://management.azure.com/.</summary>
    public required string Audience { get; init; }

    public required DateTime ExpiresAt { get; init; }

    /// <summary>The user principal name of the person who approved the code; null while pending.</summary>
    public string? ApprovedBy { get; set; }

    /// <summary>True once tokens were issued for it: a device code is good for one token response.</summary>
    public bool Redeemed { get; set; }

    public bool IsExpired(DateTime now) => now >= ExpiresAt;

    /// <summary>Whether a person of <paramref name="tenant"/> may approve it (the code names their tenant or a multi-tenant endpoint).</summary>
    public bool AcceptsTenant(WorldTenant tenant) =>
        World.Same(Tenant, "organizations") || World.Same(Tenant, "common") || World.Same(Tenant, tenant.Id) || World.Same(Tenant, tenant.DefaultDomain);
}

/// <summary>What a refresh token stands for: a person and the public client it was issued to (any resource may be asked for).</summary>
internal sealed record RefreshGrant(string UserPrincipalName, string ClientId);

/// <summary>The outcome of approving a user code on the admin API.</summary>
internal enum ApprovalResult
{
    Approved,
    UnknownCode,
    Expired,
    AlreadyApproved,
    WrongTenant,
}

/// <summary>
/// Pending device codes and issued refresh tokens, in memory only: they live minutes, and a restarted emulator (like a
/// restarted sign-in) starts over. Thread-safe.
/// </summary>
internal sealed class DeviceCodeStore
{
    // No 0/O, 1/I/L: the user types the code.
    private const string UserCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    private readonly object sync = new();
    private readonly Dictionary<string, DeviceCodeGrant> byDeviceCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceCodeGrant> byUserCode = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RefreshGrant> refreshTokens = new(StringComparer.Ordinal);

    public DeviceCodeGrant Create(string clientId, string tenant, string audience, DateTime now, TimeSpan lifetime)
    {
        lock (sync)
        {
            string userCode;
            do
            {
                userCode = new string(RandomNumberGenerator.GetItems<char>(UserCodeAlphabet, 9));
            }
            while (byUserCode.ContainsKey(userCode));

            var grant = new DeviceCodeGrant
            {
                DeviceCode = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(48)),
                UserCode = userCode,
                ClientId = clientId,
                Tenant = tenant,
                Audience = audience,
                ExpiresAt = now + lifetime,
            };
            byDeviceCode.Add(grant.DeviceCode, grant);
            byUserCode.Add(grant.UserCode, grant);
            return grant;
        }
    }

    public DeviceCodeGrant? FindByDeviceCode(string deviceCode)
    {
        lock (sync)
        {
            return byDeviceCode.GetValueOrDefault(deviceCode);
        }
    }

    /// <summary>The person signs in on "another device" and enters the user code.</summary>
    public ApprovalResult Approve(string userCode, WorldUser user, WorldTenant userTenant, DateTime now)
    {
        lock (sync)
        {
            if (!byUserCode.TryGetValue(userCode.Replace("-", "", StringComparison.Ordinal).Trim(), out var grant))
            {
                return ApprovalResult.UnknownCode;
            }

            if (grant.IsExpired(now))
            {
                return ApprovalResult.Expired;
            }

            if (grant.ApprovedBy is not null)
            {
                return ApprovalResult.AlreadyApproved;
            }

            if (!grant.AcceptsTenant(userTenant))
            {
                return ApprovalResult.WrongTenant;
            }

            grant.ApprovedBy = user.UserPrincipalName;
            return ApprovalResult.Approved;
        }
    }

    /// <summary>Marks an approved code used; false when it already was (a second poll after success).</summary>
    public bool TryRedeem(DeviceCodeGrant grant)
    {
        lock (sync)
        {
            if (grant.Redeemed)
            {
                return false;
            }

            grant.Redeemed = true;
            return true;
        }
    }

    /// <summary>Approves a pending code for <paramref name="user"/> unless someone already did; returns who approved it.</summary>
    public string ApproveIfPending(DeviceCodeGrant grant, WorldUser user)
    {
        lock (sync)
        {
            grant.ApprovedBy ??= user.UserPrincipalName;
            return grant.ApprovedBy;
        }
    }

    public string IssueRefreshToken(RefreshGrant grant)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(64));
        lock (sync)
        {
            refreshTokens.Add(token, grant);
        }

        return token;
    }

    public RefreshGrant? FindRefreshToken(string token)
    {
        lock (sync)
        {
            return refreshTokens.GetValueOrDefault(token);
        }
    }

    /// <summary>Forgets every code and refresh token (the admin reset).</summary>
    public void Clear()
    {
        lock (sync)
        {
            byDeviceCode.Clear();
            byUserCode.Clear();
            refreshTokens.Clear();
        }
    }
}
