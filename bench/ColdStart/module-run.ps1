# One cold run of KustoConnect, as a runbook job does it: build the service principal's credential, import, sign in,
# list the connections. Started by ColdStart.ps1 in a fresh `pwsh -NoProfile -NonInteractive`; prints the three parts
# (ms) as JSON. With -Baseline it does everything but KustoConnect's three commands (the credential, the JSON line),
# so that "module run - baseline run" is what the three commands cost and nothing of this script's own work.
param([string] $Manifest, [string] $Url, [string] $AuthorityHost, [string] $CertificatePath, [string] $TenantId, [string] $SubscriptionId, [string] $ClientId, [string] $ClientSecret, [switch] $Baseline)
$ErrorActionPreference = 'Stop'
# A runbook has its credential before it signs in (Get-AutomationPSCredential, or as here): built first in both runs.
$credential = [pscredential]::new($ClientId, (ConvertTo-SecureString $ClientSecret -AsPlainText -Force))
$import = $signIn = $list = 0.0; $count = 0
if (-not $Baseline) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    Import-Module $Manifest
    $import = $clock.Elapsed.TotalMilliseconds
    $null = Connect-KustoAccount -ServicePrincipal -TenantId $TenantId -Credential $credential -SubscriptionId $SubscriptionId `
        -ArmEndpoint $Url -AuthorityHost $AuthorityHost -TrustedCertificatePath $CertificatePath
    $signIn = $clock.Elapsed.TotalMilliseconds
    $count = @(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase).Count
    $list = $clock.Elapsed.TotalMilliseconds
}
# The JSON line is written by hand, not by ConvertTo-Json: its first use JIT-compiles JSON code that the module's sign-in
# would already have compiled, which would make the module's cost look smaller than it is.
$culture = [cultureinfo]::InvariantCulture
'{{"import":{0},"signIn":{1},"firstCall":{2},"count":{3}}}' -f $import.ToString($culture), ($signIn - $import).ToString($culture), ($list - $signIn).ToString($culture), $count
