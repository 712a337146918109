#Requires -Version 7.0
<#
    The module as a user gets it: the package build.ps1 made, installed from a local PSResourceGet repository into a
    folder on PSModulePath, imported by name into a fresh pwsh.
#>

Describe 'The assembled KustoConnect module' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $available = @(Get-Module KustoConnect -ListAvailable)
        if ($available.Count -eq 0) {
            throw 'KustoConnect is not installed on PSModulePath: run these tests through ./build.ps1 test (or install the package first).'
        }
        $manifestPath = $available[0].Path
        $script:ModuleDirectory = Split-Path -Parent $manifestPath
        $script:ManifestData = Read-ModuleManifest $manifestPath

        $propsPath = Join-Path $PSScriptRoot '../../Directory.Build.props'
        [xml] $props = Get-Content -LiteralPath $propsPath -Raw
        $script:ProjectVersion = @($props.SelectNodes('//*[local-name()="Version"]'))[0].InnerText.Trim()

        $script:ManifestPath = $manifestPath
    }

    AfterAll {
        Remove-Module -Name KustoConnect -Force -ErrorAction SilentlyContinue
    }

    It 'passes Test-ModuleManifest' {
        $module = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $module.Name | Should -Be 'KustoConnect'
    }

    It 'has the ModuleVersion of Directory.Build.props' {
        $ManifestData.ModuleVersion | Should -Be $ProjectVersion
        (Test-ModuleManifest -Path $ManifestPath).Version | Should -Be ([version]$ProjectVersion)
    }

    It 'lives in a folder named after its version, as PowerShellGet installs it' {
        Split-Path -Leaf $ModuleDirectory | Should -Be $ProjectVersion
        Split-Path -Leaf (Split-Path -Parent $ModuleDirectory) | Should -Be 'KustoConnect'
    }

    It 'declares both the Desktop and the Core edition' {
        $ManifestData.CompatiblePSEditions | Should -Contain 'Desktop'
        $ManifestData.CompatiblePSEditions | Should -Contain 'Core'
    }

    It 'lists its cmdlets explicitly, without wildcards' {
        $ManifestData.ContainsKey('CmdletsToExport') | Should -BeTrue -Because 'an explicit list keeps module auto-loading fast'
        $cmdlets = @($ManifestData.CmdletsToExport)
        $cmdlets.Count | Should -BeGreaterThan 0
        foreach ($name in $cmdlets) {
            $name | Should -Not -Match '[\*\?\[\]]'
            $name | Should -Match '^[A-Z][a-z]+-Kusto[A-Za-z]+$' -Because 'every cmdlet is Verb-KustoNoun'
        }
    }

    It 'exports exactly the cmdlets its manifest lists once imported' {
        Import-Module -Name KustoConnect -Force -ErrorAction Stop
        $exported = @(Get-Command -Module KustoConnect | ForEach-Object Name | Sort-Object)
        $listed = @($ManifestData.CmdletsToExport | Sort-Object)
        $exported | Should -Be $listed
        @(Get-Command -Module KustoConnect -CommandType Cmdlet).Count | Should -Be $listed.Count
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($name in $ManifestData.CmdletsToExport) {
            ($name -split '-', 2)[0] | Should -BeIn $approved
        }
    }

    It 'loads its root module from the module folder' {
        $module = Import-Module -Name KustoConnect -Force -PassThru -ErrorAction Stop
        $module.Version | Should -Be ([version]$ProjectVersion)
        $module.ModuleBase | Should -Be $ModuleDirectory
        $module.ImplementingAssembly | Should -Not -BeNullOrEmpty
        Split-Path -Parent $module.ImplementingAssembly.Location | Should -Be $ModuleDirectory
    }

    It 'ships no assembly that PowerShell itself provides' {
        $shipped = @(Get-ChildItem -LiteralPath $ModuleDirectory -Filter '*.dll' -Recurse -File | ForEach-Object Name)
        $shipped | Should -Contain 'KustoConnect.dll'
        $shipped | Should -Not -Contain 'System.Management.Automation.dll'
        $shipped | Where-Object { $_ -like 'Microsoft.PowerShell.*.dll' } | Should -BeNullOrEmpty
    }

    It 'ships every file the manifest refers to' {
        $referenced = @($ManifestData.RootModule) + @($ManifestData['FormatsToProcess']) + @($ManifestData['TypesToProcess']) +
            @($ManifestData['NestedModules']) + @($ManifestData['RequiredAssemblies'])
        # Only entries that name a file (an assembly or module name without an extension is resolved elsewhere).
        $files = @($referenced | Where-Object { $_ -is [string] -and [System.IO.Path]::HasExtension($_) })
        $files | Should -Contain $ManifestData.RootModule
        foreach ($relative in $files) {
            Join-Path $ModuleDirectory $relative | Should -Exist
        }
    }
}

Describe 'The emulator started by Start-KustoEmulator -NoConnect (the emulator client of the module)' {
    BeforeAll {
        Import-Module KustoConnect -Force
    }

    Context 'a started emulator' {
        BeforeAll {
            $script:Emulator = Start-KustoEmulator -NoConnect -OperationDurationSeconds 0 -ErrorAction Stop
        }

        AfterAll {
            Stop-KustoEmulator
        }

        It 'listens on a free loopback port over HTTPS and says where' {
            Get-Process -Id $Emulator.ProcessId -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
            $uri = [uri]$Emulator.Url
            $uri.Scheme | Should -Be 'https'
            $uri.IsLoopback | Should -BeTrue
            $uri.Port | Should -BeGreaterThan 0
            $Emulator.TenantId | Should -Not -BeNullOrEmpty
            $Emulator.SubscriptionId | Should -Not -BeNullOrEmpty
            $Emulator.DataDirectory | Should -Exist
        }

        It 'presents the certificate whose file it reports' {
            $Emulator.CertificatePath | Should -Exist
            $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem(
                (Get-Content -LiteralPath $Emulator.CertificatePath -Raw))

            $uri = [uri]$Emulator.Url
            $tcp = [System.Net.Sockets.TcpClient]::new($uri.Host, $uri.Port)
            try {
                # Accept any certificate during the handshake, then compare what was presented with the reported one.
                $ssl = [System.Net.Security.SslStream]::new($tcp.GetStream(), $false, { $true })
                try {
                    $ssl.AuthenticateAsClient('localhost')
                    $ssl.RemoteCertificate.GetCertHashString() | Should -Be $certificate.Thumbprint
                }
                finally {
                    $ssl.Dispose()
                }
            }
            finally {
                $tcp.Dispose()
            }
        }
    }

    It 'stops the whole process and removes the temporary data folder it created' {
        $emulator = Start-KustoEmulator -NoConnect -OperationDurationSeconds 0 -ErrorAction Stop
        $dataDirectory = $emulator.DataDirectory
        $processId = $emulator.ProcessId

        Stop-KustoEmulator

        Get-Process -Id $processId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $dataDirectory | Should -Not -Exist
        { Stop-KustoEmulator -ErrorAction Stop } | Should -Not -Throw -Because 'stopping twice is harmless'
    }

    It 'keeps a data folder that the caller chose' {
        $chosen = Join-Path $TestDrive 'emulator-state'
        $emulator = Start-KustoEmulator -NoConnect -OperationDurationSeconds 0 -DataDirectory $chosen -ErrorAction Stop
        try {
            [System.IO.Path]::GetFullPath($emulator.DataDirectory).TrimEnd('/', '\') | Should -Be ([System.IO.Path]::GetFullPath($chosen))
        }
        finally {
            Stop-KustoEmulator
        }
        $chosen | Should -Exist
        @(Get-ChildItem -LiteralPath $chosen -File).Count | Should -BeGreaterThan 0
    }
}
