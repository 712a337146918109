#Requires -Version 7.0
<#
    One coexistence case, run by Coexistence.Tests.ps1 in a fresh pwsh: another module's Azure SDK (the stand-in
    Az.Accounts over a tests/fixtures SDK) and KustoConnect in one session, loaded in the given order. Writes one JSON
    object (what happened) as its last line; any failure ends the script with the error in that object.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('TheirsFirst', 'OursFirst')] [string] $Order,
    [Parameter(Mandatory)] [string] $EmulatorJson,
    [Parameter(Mandatory)] [string] $ConnectionName
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$emulator = $EmulatorJson | ConvertFrom-Json
$principal = [pscredential]::new('5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978', (ConvertTo-SecureString 'kc-emulator-demo-secret-7Qw9Zr2Lx5' -AsPlainText -Force))
$database = @{ ResourceGroupName = 'testrg'; ClusterName = 'mykustocluster'; DatabaseName = 'mykustodatabase' }
$result = [ordered]@{ Order = $Order; Steps = [System.Collections.Generic.List[string]]::new() }
# Ambient sign-in through Az.Accounts trusts exactly the emulator's certificate.
$env:KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH = $emulator.CertificatePath

function Use-OtherSdk([string] $Step) {
    if (-not (Get-Module Az.Accounts)) {
        Import-Module Az.Accounts
        $null = Connect-AzAccount -ServicePrincipal -Credential $principal -Tenant $emulator.TenantId -Subscription $emulator.SubscriptionId `
            -ResourceManagerUrl $emulator.Url -AuthorityHost $emulator.AuthorityHost -CertificatePath $emulator.CertificatePath
    }
    $token = Get-AzAccessToken -ResourceUrl 'https://management.azure.com/'
    if ([string]::IsNullOrEmpty($token.Token)) { throw "The other SDK gave no token ($Step)." }
    $result["Other_$Step"] = (Get-StandInSdkVersion).Versions
    $result.Steps.Add("other SDK signed in ($Step)")
}

# The shape of Az.IotHub's PSIotHub, which Get-AzIotHub writes (Az.IotHub itself is not on NuGet).
Add-Type -TypeDefinition @'
namespace CoexistenceStandIn
{
    using System.Collections.Generic;
    public sealed class PSIotHubProperties { public string HostName { get; set; } public string State { get; set; } }
    public sealed class PSIotHubSkuInfo { public string Name { get; set; } public string Tier { get; set; } public long Capacity { get; set; } }
    public sealed class PSIotHub
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public string Type { get; set; }
        public string Location { get; set; }
        public IDictionary<string, string> Tags { get; set; }
        public string Subscriptionid { get; set; }
        public string Resourcegroup { get; set; }
        public PSIotHubProperties Properties { get; set; }
        public PSIotHubSkuInfo Sku { get; set; }
    }
}
'@
function Get-AzIotHub {
    $hub = [CoexistenceStandIn.PSIotHub]::new()
    $hub.Id = "/subscriptions/$($emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub"
    $hub.Name = 'mykustoiothub'; $hub.Type = 'Microsoft.Devices/IotHubs'; $hub.Location = 'westeurope'
    $hub.Tags = [System.Collections.Generic.Dictionary[string, string]]::new()
    $hub.Subscriptionid = $emulator.SubscriptionId; $hub.Resourcegroup = 'testrg'
    $hub.Properties = [CoexistenceStandIn.PSIotHubProperties]@{ HostName = 'mykustoiothub.azure-devices.net'; State = 'Active' }
    $hub.Sku = [CoexistenceStandIn.PSIotHubSkuInfo]@{ Name = 'S1'; Tier = 'Standard'; Capacity = 1 }
    $hub
}

try {
    if ($Order -eq 'TheirsFirst') {
        Use-OtherSdk 'before'
        Import-Module KustoConnect
    }
    else {
        Import-Module KustoConnect
        $null = Connect-KustoAccount -ServicePrincipal -TenantId $emulator.TenantId -Credential $principal -SubscriptionId $emulator.SubscriptionId `
            -ArmEndpoint $emulator.Url -AuthorityHost $emulator.AuthorityHost -TrustedCertificatePath $emulator.CertificatePath
        $result.ListedBefore = @(Get-KustoDataConnection @database).Count
        $result.Steps.Add('KustoConnect signed in and listed first')
        Disconnect-KustoAccount
        Use-OtherSdk 'after'
    }

    # No Connect-KustoAccount here: the token comes from the other SDK through Get-AzAccessToken.
    $created = Get-AzIotHub | New-KustoIotHubConnection @database -Name $ConnectionName -TableName StormEvents -DataFormat csv
    $result.Created = $created.Name
    $result.CredentialKind = (Get-KustoContext).CredentialKind
    $result.Listed = @(Get-KustoDataConnection @database | ForEach-Object Name)
    Remove-KustoDataConnection @database -Name $ConnectionName -Force
    $result.ListedAfterRemove = @(Get-KustoDataConnection @database | ForEach-Object Name)
    Use-OtherSdk 'end'

    $result.Assemblies = @([System.AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -in 'Azure.Core', 'Azure.Identity', 'Microsoft.Identity.Client', 'KustoConnect', 'KustoConnect.Engine' } |
        ForEach-Object { '{0} {1} [{2}]' -f $_.GetName().Name, $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name } |
        Sort-Object)
}
catch {
    $result.Error = "$($_.FullyQualifiedErrorId): $($_.Exception.GetType().FullName): $($_.Exception.Message)"
}
$result | ConvertTo-Json -Compress -Depth 4
