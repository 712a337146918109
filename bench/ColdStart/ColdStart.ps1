#Requires -Version 7.0
<#
.SYNOPSIS
    Cold start: a fresh pwsh that imports KustoConnect, signs in as a service principal and lists the data connections,
    against Microsoft's JS SDK (@azure/identity + @azure/arm-kusto) doing the same sign-in and list as a whole node
    process. Fresh processes, alternating, medians; prints the parts and the ratio. The module's own cost is the run
    script's process minus the same script with -Baseline (which builds the credential with ConvertTo-SecureString and
    writes the JSON line, as the run does, but runs none of KustoConnect's commands); the run minus a bare pwsh start
    (-Command 'exit 0') is printed as well. Target: the module's own cost <= the JS SDK's whole process.
    Run by `build.ps1 bench`, never by `build.ps1 test`.
#>
param(
    # The assembled module folder (out/module/KustoConnect/<version>).
    [Parameter(Mandatory)] [string] $ModuleDirectory,
    [int] $Iterations = 15
)
$ErrorActionPreference = 'Stop'
$ModuleDirectory = (Resolve-Path -LiteralPath $ModuleDirectory).Path
$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$contract = Join-Path $root 'tests/contract'
if (-not (Test-Path (Join-Path $contract 'node_modules/@azure/arm-kusto'))) {
    Push-Location $contract; try { npm ci --no-audit --no-fund | Out-Null } finally { Pop-Location }
}
$self = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
$clientId = '5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978'; $secret = 'kc-emulator-demo-secret-7Qw9Zr2Lx5'   # the emulator's demo principal

Import-Module (Join-Path $ModuleDirectory 'KustoConnect.psd1') -Force
$emulator = Start-KustoEmulator -NoConnect
function Measure-Run([scriptblock] $Run) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $Run
    if ($LASTEXITCODE -ne 0) { throw "A benchmark run failed: $output" }
    [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Output = @($output)[-1] }
}
function Median([double[]] $Values) { $s = $Values | Sort-Object; $n = $s.Count; $n % 2 ? $s[[int](($n - 1) / 2)] : ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
try {
    $manifest = Join-Path $ModuleDirectory 'KustoConnect.psd1'
    $bare = @(); $baseline = @(); $module = @(); $js = @(); $parts = @()
    $script = Join-Path $PSScriptRoot 'module-run.ps1'
    $arguments = @('-Manifest', $manifest, '-Url', $emulator.Url, '-AuthorityHost', $emulator.Url, '-CertificatePath', $emulator.CertificatePath,
        '-TenantId', $emulator.TenantId, '-SubscriptionId', $emulator.SubscriptionId, '-ClientId', $clientId, '-ClientSecret', $secret)
    $runs = @{
        bare     = { & $self @prefix -NoProfile -NonInteractive -Command 'exit 0' }
        baseline = { & $self @prefix -NoProfile -NonInteractive -File $script @arguments -Baseline }
        module   = { & $self @prefix -NoProfile -NonInteractive -File $script @arguments }
        js       = { node (Join-Path $PSScriptRoot 'js-run.mjs') $contract $emulator.Url $emulator.TenantId $emulator.SubscriptionId $clientId $secret $emulator.CertificatePath }
    }
    # One warm-up of each (disk cache), then alternate: bare, baseline, module, js, bare, ...
    foreach ($name in 'bare', 'baseline', 'module', 'js') { $null = Measure-Run $runs[$name] }
    for ($i = 0; $i -lt $Iterations; $i++) {
        $bare += (Measure-Run $runs.bare).Ms
        $baseline += (Measure-Run $runs.baseline).Ms
        $m = Measure-Run $runs.module; $module += $m.Ms; $parts += ($m.Output | ConvertFrom-Json)
        $js += (Measure-Run $runs.js).Ms
    }
    $bareMedian = Median $bare; $baselineMedian = Median $baseline; $moduleMedian = Median $module; $jsMedian = Median $js
    $own = $moduleMedian - $baselineMedian
    $overBare = $moduleMedian - $bareMedian
    Write-Host ("Cold start, {0} alternating runs of each, medians (ms):" -f $Iterations)
    Write-Host ("  bare pwsh start (-Command 'exit 0')          {0,7:N0}" -f $bareMedian)
    Write-Host ("  the run script without KustoConnect          {0,7:N0}" -f $baselineMedian)
    Write-Host ("  the run script (whole process)               {0,7:N0}" -f $moduleMedian)
    Write-Host ("    import                                     {0,7:N0}" -f (Median ($parts | ForEach-Object import)))
    Write-Host ("    sign-in (Connect-KustoAccount)             {0,7:N0}" -f (Median ($parts | ForEach-Object signIn)))
    Write-Host ("    first call (Get-KustoDataConnection)       {0,7:N0}" -f (Median ($parts | ForEach-Object firstCall)))
    Write-Host ("  module's own cost (run - run without it)     {0,7:N0}" -f $own)
    Write-Host ("  run minus bare pwsh (adds the script's work) {0,7:N0}" -f $overBare)
    Write-Host ("  JS SDK, whole node process                   {0,7:N0}" -f $jsMedian)
    Write-Host ("  ratio module's own cost / JS SDK             {0,7:N2}  (target <= 1)" -f ($own / $jsMedian))
    Write-Host ("  ratio (run minus bare pwsh) / JS SDK         {0,7:N2}" -f ($overBare / $jsMedian))
}
finally { Stop-KustoEmulator }
