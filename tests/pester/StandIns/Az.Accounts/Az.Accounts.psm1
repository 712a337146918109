# A stand-in for Az.Accounts in the coexistence suite: like the real module it loads its own Azure SDK (Azure.Core,
# Azure.Identity, MSAL of its version, from the folder in $env:STANDIN_AZURE_SDK) into the session's default load
# context, signs in with Azure.Identity, and hands out tokens through Get-AzAccessToken. KustoConnect must only ever
# reach it through these cmdlets (Get-AzContext, Get-AzAccessToken), never through its types.

$sdk = $env:STANDIN_AZURE_SDK
if (-not $sdk -or -not (Test-Path -LiteralPath (Join-Path $sdk 'StandIn.AzAccounts.dll'))) {
    throw "STANDIN_AZURE_SDK must name a published tests/fixtures project (got '$sdk')."
}
# As a module that ships the SDK loads it: every Azure / MSAL / System.ClientModel assembly of its folder, by path.
foreach ($name in 'Microsoft.IdentityModel.Abstractions', 'Microsoft.Identity.Client', 'Microsoft.Identity.Client.Extensions.Msal',
    'System.ClientModel', 'System.Memory.Data', 'Azure.Core', 'Azure.Identity', 'StandIn.AzAccounts') {
    $path = Join-Path $sdk "$name.dll"
    if (Test-Path -LiteralPath $path) { Add-Type -LiteralPath $path }
}

$script:Context = $null

function Connect-AzAccount {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscredential] $Credential,
        [Parameter(Mandatory)] [string] $Tenant,
        [Parameter(Mandatory)] [string] $Subscription,
        [Parameter(Mandatory)] [string] $ResourceManagerUrl,
        [Parameter(Mandatory)] [string] $AuthorityHost,
        [Parameter(Mandatory)] [string] $CertificatePath,
        [switch] $ServicePrincipal
    )
    $script:Context = [pscustomobject]@{
        Account      = [pscustomobject]@{ Id = $Credential.UserName; Type = 'ServicePrincipal' }
        Tenant       = [pscustomobject]@{ Id = $Tenant }
        Subscription = [pscustomobject]@{ Id = $Subscription; Name = 'Emulated subscription' }
        Environment  = [pscustomobject]@{ Name = 'KustoEmulator'; ResourceManagerUrl = $ResourceManagerUrl; ActiveDirectoryServiceEndpointResourceId = 'https://management.azure.com/' }
        Secret       = $Credential
        Authority    = $AuthorityHost
        Certificate  = $CertificatePath
    }
    # Signing in is a real token request through this module's Azure.Identity.
    $null = Get-AzAccessToken -ResourceUrl 'https://management.azure.com/'
    $script:Context | Select-Object Account, Tenant, Subscription, Environment
}

function Get-AzContext {
    [CmdletBinding()]
    param()
    if ($script:Context) { $script:Context | Select-Object Account, Tenant, Subscription, Environment }
}

function Get-AzAccessToken {
    [CmdletBinding()]
    param([string] $ResourceUrl = 'https://management.azure.com/')
    if (-not $script:Context) { throw 'Run Connect-AzAccount to login.' }
    $c = $script:Context
    $issued = [StandIn.AzAccounts.TokenSource]::GetToken($c.Authority, $c.Tenant.Id, $c.Secret.UserName,
        $c.Secret.GetNetworkCredential().Password, $c.Certificate, $ResourceUrl.TrimEnd('/') + '/.default')
    [pscustomobject]@{ Token = $issued.Token; ExpiresOn = $issued.ExpiresOn; Type = 'Bearer'; TenantId = $c.Tenant.Id; UserId = $c.Account.Id }
}

function Get-StandInSdkVersion {
    <# The versions this module's code is bound to, and where its Azure.Core came from. #>
    [pscustomobject]@{
        Versions = [StandIn.AzAccounts.TokenSource]::Versions()
        Path     = [Azure.Core.TokenCredential].Assembly.Location
    }
}

Export-ModuleMember -Function Connect-AzAccount, Get-AzContext, Get-AzAccessToken, Get-StandInSdkVersion
