#Requires -Version 7.0
<#
.SYNOPSIS
    Starts and stops the KustoConnect emulator (ARM + Entra ID on loopback HTTPS) as a child process.

.DESCRIPTION
    Used by build.ps1 (demo task) and by the Pester suites (the path of this file is handed to them in
    $env:KUSTOCONNECT_BUILD_HELPERS). The emulator is started as
        dotnet <dll> --port 0 --data-dir <dir> --operation-duration <seconds>
    and announces itself with one stdout line
        KUSTOCONNECT_EMULATOR_READY {"url":...,"certificatePath":...,"thumbprint":...,"dataDirectory":...,
                                     "tenantId":...,"subscriptionId":...}
    Both output pipes are drained for the whole life of the process so that it can never block on a full pipe.
#>

Set-StrictMode -Version 3.0

$script:ReadyMarker = 'KUSTOCONNECT_EMULATOR_READY'

function Start-EmulatorProcess {
    <#
    .SYNOPSIS
        Starts the emulator on a free loopback port and waits until it is ready.
    .OUTPUTS
        A PSCustomObject with Process, Url, AuthorityHost, CertificatePath, Thumbprint, DataDirectory, TenantId,
        SubscriptionId. Pass it to Stop-EmulatorProcess.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # Path of KustoConnect.Emulator.dll.
        [Parameter(Mandatory)]
        [string] $DllPath,

        # Where the emulator keeps its state. When omitted, a new temporary folder is used and removed again by
        # Stop-EmulatorProcess.
        [string] $DataDirectory,

        # How long each emulated long-running operation takes.
        [ValidateRange(0, 3600)]
        [double] $OperationDurationSeconds = 0,

        # How long to wait for the ready line.
        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds = 60
    )

    $dll = [System.IO.Path]::GetFullPath($DllPath)
    if (-not [System.IO.File]::Exists($dll)) {
        throw "Emulator assembly not found: '$dll'. Build the solution first (./build.ps1 build)."
    }
    $dotnet = Get-DotnetHostPath

    $ownsDataDirectory = -not $PSBoundParameters.ContainsKey('DataDirectory') -or [string]::IsNullOrWhiteSpace($DataDirectory)
    if ($ownsDataDirectory) {
        $DataDirectory = Join-Path ([System.IO.Path]::GetTempPath()) ("kustoconnect-emulator-" + [guid]::NewGuid().ToString('N'))
    }
    $DataDirectory = [System.IO.Path]::GetFullPath($DataDirectory)
    $null = [System.IO.Directory]::CreateDirectory($DataDirectory)

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($dotnet)
    foreach ($argument in @(
            $dll,
            '--port', '0',
            '--data-dir', $DataDirectory,
            '--operation-duration', $OperationDurationSeconds.ToString('R', [cultureinfo]::InvariantCulture))) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    $startInfo.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)
    $startInfo.WorkingDirectory = [System.IO.Path]::GetDirectoryName($dll)
    # Keep the emulator's own console logging plain so the ready line is easy to find.
    $startInfo.Environment['DOTNET_NOLOGO'] = '1'
    $startInfo.Environment['NO_COLOR'] = '1'

    $process = [System.Diagnostics.Process]::new()
    $process.StartInfo = $startInfo
    try {
        $null = $process.Start()
    }
    catch {
        $process.Dispose()
        if ($ownsDataDirectory) { Remove-DirectoryQuietly $DataDirectory }
        throw "Could not start the emulator ('$dotnet' '$dll'): $($_.Exception.Message)"
    }
    # Nothing is ever written to the emulator's stdin; closing it lets it see end-of-input like a CI job would.
    $process.StandardInput.Close()

    # stderr: read to the end in the background for the whole life of the process (used in error messages).
    $stderrTask = $process.StandardError.ReadToEndAsync()

    $ready = $null
    $earlyOutput = [System.Collections.Generic.List[string]]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $failure = $null
    try {
        while ($null -eq $ready) {
            $lineTask = $process.StandardOutput.ReadLineAsync()
            while (-not $lineTask.Wait(200)) {
                if ([DateTime]::UtcNow -ge $deadline) { break }
            }
            if (-not $lineTask.IsCompleted) {
                $failure = "The emulator did not report ready within $TimeoutSeconds s."
                break
            }
            $line = $lineTask.GetAwaiter().GetResult()
            if ($null -eq $line) {
                $process.WaitForExit()
                $failure = "The emulator exited with code $($process.ExitCode) before it was ready."
                break
            }
            $index = $line.IndexOf($script:ReadyMarker, [StringComparison]::Ordinal)
            if ($index -ge 0) {
                $json = $line.Substring($index + $script:ReadyMarker.Length).Trim()
                try {
                    $ready = $json | ConvertFrom-Json -ErrorAction Stop
                }
                catch {
                    $failure = "The emulator's ready line is not valid JSON: $json"
                    break
                }
                foreach ($name in 'url', 'certificatePath', 'thumbprint', 'dataDirectory', 'tenantId', 'subscriptionId') {
                    if ($null -eq $ready.PSObject.Properties[$name] -or [string]::IsNullOrWhiteSpace([string]$ready.$name)) {
                        $failure = "The emulator's ready line lacks '$name': $json"
                        $ready = $null
                        break
                    }
                }
                if ($null -ne $failure) { break }
            }
            else {
                if ($earlyOutput.Count -ge 50) { $earlyOutput.RemoveAt(0) }
                $earlyOutput.Add($line)
            }
        }
    }
    catch {
        $failure = "Failed while waiting for the emulator: $($_.Exception.Message)"
    }

    if ($null -ne $failure) {
        Stop-ProcessTree $process
        $stderr = Get-CompletedText $stderrTask
        $process.Dispose()
        if ($ownsDataDirectory) { Remove-DirectoryQuietly $DataDirectory }
        $message = [System.Text.StringBuilder]::new($failure)
        if ($earlyOutput.Count -gt 0) {
            $null = $message.AppendLine().AppendLine('--- emulator stdout ---').Append(($earlyOutput -join [Environment]::NewLine))
        }
        $null = $message.AppendLine().AppendLine('--- emulator stderr ---')
        $null = $message.Append($(if ([string]::IsNullOrWhiteSpace($stderr)) { '(empty)' } else { $stderr.TrimEnd() }))
        throw $message.ToString()
    }

    # From now on stdout is only drained, never read: the emulator may log as much as it likes.
    $stdoutDrain = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)

    [pscustomobject]@{
        PSTypeName         = 'KustoConnect.Build.EmulatorProcess'
        Process            = $process
        Url                = [string]$ready.url
        AuthorityHost      = [string]$ready.url
        CertificatePath    = [string]$ready.certificatePath
        Thumbprint         = [string]$ready.thumbprint
        DataDirectory      = [string]$ready.dataDirectory
        TenantId           = [string]$ready.tenantId
        SubscriptionId     = [string]$ready.subscriptionId
        OwnsDataDirectory  = $ownsDataDirectory
        RequestedDirectory = $DataDirectory
        StandardErrorTask  = $stderrTask
        StandardOutputTask = $stdoutDrain
        IsStopped          = $false
    }
}

function Stop-EmulatorProcess {
    <#
    .SYNOPSIS
        Stops an emulator started by Start-EmulatorProcess (the whole process tree), waits for it to exit and removes
        the temporary data folder it created. Safe to call more than once.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [psobject] $Emulator
    )
    process {
        if ($null -eq $Emulator -or $Emulator.IsStopped) { return }
        $Emulator.IsStopped = $true
        $process = $Emulator.Process
        if ($null -ne $process) {
            Stop-ProcessTree $process
            # Let the pipe readers see end-of-stream so nothing is left pending.
            foreach ($task in @($Emulator.StandardOutputTask, $Emulator.StandardErrorTask)) {
                if ($null -ne $task) { $null = $task.Wait(5000) }
            }
            $process.Dispose()
        }
        if ($Emulator.OwnsDataDirectory) {
            Remove-DirectoryQuietly $Emulator.RequestedDirectory
        }
    }
}

function Get-DotnetHostPath {
    # The dotnet host that runs this PowerShell (`dotnet pwsh`) is the one to use; otherwise the one the SDK names,
    # otherwise the first on PATH.
    $candidates = [System.Collections.Generic.List[string]]::new()
    $self = [Environment]::ProcessPath
    if ($self -and [System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $candidates.Add($self) }
    if ($env:DOTNET_HOST_PATH) { $candidates.Add($env:DOTNET_HOST_PATH) }
    $command = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { $candidates.Add($command.Source) }
    foreach ($candidate in $candidates) {
        if ([System.IO.File]::Exists($candidate)) { return $candidate }
    }
    throw 'The .NET SDK (dotnet) was not found on PATH.'
}

function Stop-ProcessTree([System.Diagnostics.Process] $Process) {
    try {
        if (-not $Process.HasExited) {
            $Process.Kill($true)
        }
    }
    catch [System.InvalidOperationException] {
        # Exited between the check and the kill.
    }
    if (-not $Process.WaitForExit(30000)) {
        Write-Warning "Emulator process $($Process.Id) did not exit within 30 s after being killed."
    }
}

function Get-CompletedText([System.Threading.Tasks.Task[string]] $Task) {
    if ($null -eq $Task -or -not $Task.Wait(5000)) { return '' }
    if ($Task.IsFaulted) { return '' }
    return $Task.Result
}

function Remove-DirectoryQuietly([string] $Path) {
    if ([string]::IsNullOrEmpty($Path) -or -not [System.IO.Directory]::Exists($Path)) { return }
    # SQLite or the OS may hold a file for a moment after the process is gone.
    for ($attempt = 1; $attempt -le 5; $attempt++) {
        try {
            [System.IO.Directory]::Delete($Path, $true)
            return
        }
        catch [System.IO.IOException], [System.UnauthorizedAccessException] {
            if ($attempt -eq 5) {
                Write-Warning "Could not remove the emulator data folder '$Path': $($_.Exception.Message)"
                return
            }
            Start-Sleep -Milliseconds (100 * $attempt)
        }
    }
}

Export-ModuleMember -Function Start-EmulatorProcess, Stop-EmulatorProcess
