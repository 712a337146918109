# One cold run of KustoConnect, as a runbook job does it: import, sign in as a service principal, list the connections.
# Started by ColdStart.ps1 in a fresh `pwsh -NoProfile -NonInteractive`; prints the three parts (ms) as JSON.
param([string] $Manifest, [string] $Url, [string] $AuthorityHost, [string] $CertificatePath, [string] $TenantId, [string] $SubscriptionId, [string] $ClientId, [string] $ClientSecret)
$ErrorActionPreference = 'Stop'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $Manifest
$import = $clock.Elapsed.TotalMilliseconds
$credential = [pscredential]::new($ClientId, (ConvertTo-SecureString $ClientSecret -AsPlainText -Force))
$null = Connect-KustoAccount -ServicePrincipal -TenantId $TenantId -Credential $credential -SubscriptionId $SubscriptionId `
    -ArmEndpoint $Url -AuthorityHost $AuthorityHost -TrustedCertificatePath $CertificatePath
$signIn = $clock.Elapsed.TotalMilliseconds
$listed = @(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase)
$list = $clock.Elapsed.TotalMilliseconds
@{ import = $import; signIn = $signIn - $import; firstCall = $list - $signIn; count = $listed.Count } | ConvertTo-Json -Compress
