#Requires -Version 7.0
# The installed module's load layout (issue 10, docs/loading.md): only the cmdlet assembly for the default context,
# compiled so that it binds on PowerShell 7.4 (.NET 8); the engine and the Azure SDK in dependencies/.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:base = (Get-Module KustoConnect -ListAvailable | Select-Object -First 1).ModuleBase
    $stream = [System.IO.File]::OpenRead((Join-Path $base 'KustoConnect.dll'))
    try {
        $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
        $script:references = @(foreach ($handle in $reader.AssemblyReferences) { $reader.GetAssemblyReference($handle).GetAssemblyName() })
        $pe.Dispose()
    }
    finally { $stream.Dispose() }
}

Describe 'The PowerShell 7 cmdlet assembly' {
    It 'has beside the manifest only itself and the emulator client (BCL only, also in the default context)' {
        @(Get-ChildItem -LiteralPath $base -Filter '*.dll' -File | ForEach-Object Name | Sort-Object) | Should -Be @('KustoConnect.dll', 'KustoConnect.Emulator.Client.dll')
    }

    It 'uses an emulator client that references nothing but the framework' {
        $stream = [System.IO.File]::OpenRead((Join-Path $base 'KustoConnect.Emulator.Client.dll'))
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $names = @(foreach ($handle in $reader.AssemblyReferences) { $reader.GetAssemblyReference($handle).GetAssemblyName().Name })
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
        $names | Should -Be @('netstandard')
    }

    It 'finds the engine and the Azure SDK in dependencies/' {
        foreach ($name in 'KustoConnect.Engine', 'Azure.Core', 'Azure.Identity', 'Azure.ResourceManager', 'Microsoft.Identity.Client') {
            Join-Path $base "dependencies/$name.dll" | Should -Exist
        }
    }

    It 'references no Azure SDK or MSAL assembly (no SDK type crosses the load contexts)' {
        $references.Name | Where-Object { $_ -like 'Azure.*' -or $_ -like 'Microsoft.Identity.*' -or $_ -eq 'System.ClientModel' } | Should -BeNullOrEmpty
    }

    It 'references framework assemblies at .NET 8 versions, so it binds on PowerShell 7.4' {
        $newer = $references | Where-Object { $_.Name -notin 'KustoConnect.Engine', 'KustoConnect.Emulator.Client', 'System.Management.Automation' -and $_.Version.Major -gt 8 }
        $newer | ForEach-Object FullName | Should -BeNullOrEmpty
    }
}
