# Examples for Get-Help, two or more per cmdlet. build/New-CmdletHelp.ps1 merges them with the parameters and
# descriptions it reads from the compiled cmdlets; the build fails when a cmdlet has fewer than two.
@{
    'Connect-KustoAccount' = @(
        @{
            Title   = 'Sign in as a service principal'
            Code    = @'
$credential = Get-Credential -UserName '<application (client) id>'
Connect-KustoAccount -ServicePrincipal -TenantId '<tenant id>' -Credential $credential -SubscriptionId '<subscription id>'
'@
            Remarks = 'The client id is the user name and the client secret the password. A token is requested at once, so a wrong secret or tenant fails here with an AuthenticationError.'
        }
        @{
            Title   = 'Sign in to the local emulator'
            Code    = @'
Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $credential -SubscriptionId $subscription `
    -ArmEndpoint https://127.0.0.1:5443/ -AuthorityHost https://127.0.0.1:5443/ -TrustedCertificatePath ./emulator-data/emulator.crt
'@
            Remarks = 'Points the session at the KustoConnect emulator and trusts exactly its certificate; nothing else is trusted for that session.'
        }
        @{
            Title   = 'Sign in to the emulator of this session, or of a data folder'
            Code    = @'
Connect-KustoAccount -Emulator
Connect-KustoAccount -Emulator -DataDirectory ./emulator-data
'@
            Remarks = 'The first signs in to the emulator Start-KustoEmulator started in this session; the second to the emulator running on that data folder, found through its emulator.json. Both sign in as the world''s first Contributor service principal and trust exactly the emulator''s certificate.'
        }
        @{
            Title   = 'Sign in as a person with a device code'
            Code    = @'
Connect-KustoAccount -UseDeviceAuthentication -TenantId contoso.onmicrosoft.com -SubscriptionId '<subscription id>'
'@
            Remarks = 'Shows "To sign in, use a web browser to open the page ... and enter the code ..." as Write-Host does (visible even with warnings silenced), then waits until the code is entered on any device; Ctrl+C stops the wait. Signs in through Azure PowerShell''s public client unless -ApplicationId names another; Get-KustoContext then shows the user principal name. On the emulator, approve with POST /_emulator/devicecode/approve or set autoApproveDeviceCodes.'
        }
        @{
            Title   = 'Use an access token you already have'
            Code    = 'Connect-KustoAccount -AccessToken (Read-Host -AsSecureString) -SubscriptionId ''<subscription id>'''
            Remarks = 'The token must be issued for Azure Resource Manager. It is not refreshed: sign in again when it expires.'
        }
    )
    'Start-KustoEmulator' = @(
        @{
            Title   = 'Try the module offline'
            Code    = @'
$emulator = Start-KustoEmulator
New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name telemetry `
    -IotHubResourceId "/subscriptions/$($emulator.SubscriptionId)/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub" `
    -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv
Stop-KustoEmulator
'@
            Remarks = 'Starts the emulator shipped with the module on a free loopback port, with a temporary data folder, and signs the session in to it as its demo service principal, trusting exactly its certificate. Stop-KustoEmulator signs out, stops it and removes the folder.'
        }
        @{
            Title   = 'Keep the emulated state between runs'
            Code    = @'
$emulator = Start-KustoEmulator -DataDirectory ./emulator-data -OperationDurationSeconds 0 -NoConnect
Connect-KustoAccount -Emulator -SubscriptionId $emulator.SubscriptionId
'@
            Remarks = 'The data folder keeps every data connection, the certificate and emulator.json (where the emulator listens, never a secret); a later Start-KustoEmulator on it finds them again. -NoConnect only starts it; Connect-KustoAccount -Emulator signs in.'
        }
    )
    'Stop-KustoEmulator' = @(
        @{ Title = 'Stop the emulator of this session'; Code = 'Stop-KustoEmulator'; Remarks = 'Signs out if the session is signed in to the emulator, stops the process and removes its temporary data folder (a folder given to Start-KustoEmulator -DataDirectory is kept).' }
        @{ Title = 'Always stop it at the end of a test run'; Code = @'
Start-KustoEmulator -OperationDurationSeconds 0
try { Invoke-Pester ./tests }
finally { Stop-KustoEmulator }
'@; Remarks = 'Stop-KustoEmulator does nothing when no emulator runs, so it is safe in a finally block.' }
    )
    'Disconnect-KustoAccount' = @(
        @{ Title = 'Sign out'; Code = 'Disconnect-KustoAccount'; Remarks = 'Forgets the credential and its cached tokens for this session.' }
        @{ Title = 'Sign out at the end of a runbook'; Code = @'
try { Get-KustoDataConnection -ResourceGroupName rg -ClusterName c -DatabaseName d }
finally { Disconnect-KustoAccount }
'@; Remarks = 'Nothing of the sign-in is left in the session afterwards.' }
    )
    'Get-KustoContext' = @(
        @{ Title = 'Show who the session is signed in as'; Code = 'Get-KustoContext'; Remarks = 'Shows account, tenant, subscription, environment and credential kind. Never a secret or a token.' }
        @{ Title = 'Fail a runbook early when it is not signed in'; Code = 'if (-not (Get-KustoContext)) { throw ''Run Connect-KustoAccount first.'' }'; Remarks = 'Get-KustoContext writes nothing when the session is not signed in.' }
    )
    'Set-KustoContext' = @(
        @{ Title = 'Switch the default subscription'; Code = 'Set-KustoContext -SubscriptionId ''<subscription id>'''; Remarks = 'Data cmdlets act in this subscription unless given -SubscriptionId.' }
        @{ Title = 'Select a subscription without asking Azure'; Code = 'Set-KustoContext -SubscriptionId ''<subscription id>'' -SkipValidation'; Remarks = 'By default Azure is asked first whether the subscription exists and the account can see it (SubscriptionNotFound otherwise).' }
        @{ Title = 'Act in another subscription for one call only'; Code = 'Get-KustoDataConnection -ResourceGroupName rg -ClusterName c -DatabaseName d -SubscriptionId ''<other subscription>'''; Remarks = 'No need to change the context for a single call.' }
    )
    'New-KustoIotHubConnection' = @(
        @{
            Title   = 'Create the walkthrough''s IoT Hub data connection'
            Code    = @'
New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase `
    -Name myeventhubconnect -Location 'Central US' `
    -IotHubResourceId '/subscriptions/<S>/resourceGroups/<R>/providers/Microsoft.Devices/IotHubs/<H>' `
    -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' `
    -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv
'@
            Remarks = 'Waits for the long-running operation, showing its state with Write-Progress, and writes the data connection when it has succeeded.'
        }
        @{
            Title   = 'See what would be created'
            Code    = 'New-KustoIotHubConnection @parameters -WhatIf'
            Remarks = 'Checks the input and sends nothing.'
        }
        @{
            Title   = 'One data connection per IoT hub, from Get-AzIotHub'
            Code    = 'Get-AzIotHub -ResourceGroupName hubs | New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -TableName StormEvents -Verbose'
            Remarks = 'Each hub''s Id binds to -IotHubResourceId (its Name, Location, resource group and subscription never bind). Each connection is named after its hub, and uses a policy of the hub that grants ServiceConnect, preferring one with exactly that right over iothubowner; -Verbose shows the choice. Only policy names and rights are read, never keys.'
        }
    )
    'New-KustoEventHubConnection' = @(
        @{
            Title   = 'Ingest an event hub into a table'
            Code    = @'
New-KustoEventHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase `
    -Name myeventhubconnect -EventHubResourceId '/subscriptions/<S>/resourceGroups/<R>/providers/Microsoft.EventHub/namespaces/<N>/eventhubs/<E>' `
    -ConsumerGroup '$Default' -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv -Validate
'@
            Remarks = 'The location defaults to the cluster''s. -Validate has Azure check the definition first (as Test-KustoDataConnection does): when it finds problems, such as a missing table or consumer group, one DataConnectionValidationFailed error lists them all and nothing is created.'
        }
        @{
            Title   = 'Read compressed events with the cluster''s managed identity'
            Code    = 'New-KustoEventHubConnection @parameters -Compression GZip -ManagedIdentityResourceId $clusterId'
            Remarks = 'The managed identity needs the Azure Event Hubs Data Receiver role on the event hub.'
        }
    )
    'New-KustoEventGridConnection' = @(
        @{
            Title   = 'Ingest new blobs of a storage account'
            Code    = @'
New-KustoEventGridConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase `
    -Name myblobs -StorageAccountResourceId $storageId -EventHubResourceId $eventHubId -ConsumerGroup '$Default' `
    -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv
'@
            Remarks = 'Event Grid notifies the event hub of new blobs; the data connection ingests them.'
        }
        @{
            Title   = 'Skip the header line of CSV blobs'
            Code    = 'New-KustoEventGridConnection @parameters -IgnoreFirstRecord'
            Remarks = 'The first record of each blob is not ingested.'
        }
    )
    'New-KustoCosmosDbConnection' = @(
        @{
            Title   = 'Ingest a Cosmos DB container''s change feed'
            Code    = @'
New-KustoCosmosDbConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase `
    -Name mycosmos -CosmosDbAccountResourceId $accountId -CosmosDbDatabase mydb -CosmosDbContainer mycontainer `
    -TableName StormEvents -ManagedIdentityResourceId $identityId
'@
            Remarks = 'The managed identity needs read access to the Cosmos DB account.'
        }
        @{
            Title   = 'Start from a date'
            Code    = 'New-KustoCosmosDbConnection @parameters -RetrievalStartDate (Get-Date).AddDays(-1)'
            Remarks = 'Documents changed since that date are ingested.'
        }
    )
    'Get-KustoDataConnection' = @(
        @{ Title = 'List the data connections of a database'; Code = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase'; Remarks = 'A table with Name, Kind, Database, Table, DataFormat, ConsumerGroup and ProvisioningState.' }
        @{ Title = 'One by name, every detail'; Code = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect | Format-List'; Remarks = 'Wildcards are allowed in -Name.' }
    )
    'Update-KustoDataConnection' = @(
        @{ Title = 'Change the data format only'; Code = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect | Update-KustoDataConnection -DataFormat json'; Remarks = 'Only what you pass changes; kind and location are kept.' }
        @{ Title = 'Point a connection at another table'; Code = 'Update-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect -TableName Telemetry -MappingRuleName Telemetry_JSON_Mapping'; Remarks = 'Waits for the long-running operation.' }
    )
    'Remove-KustoDataConnection' = @(
        @{ Title = 'Delete one data connection'; Code = 'Remove-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myeventhubconnect'; Remarks = 'Asks for confirmation first (ConfirmImpact High); -Force or -Confirm:$false skips the question.' }
        @{ Title = 'Delete in a background job'; Code = 'Get-KustoDataConnection @database -Name ''test*'' | Remove-KustoDataConnection -Force -AsJob | Wait-Job | Receive-Job'; Remarks = 'The confirmation is asked before the job starts; the job removes every piped connection, at most -ThrottleLimit (5) at a time.' }
        @{ Title = 'Delete every data connection whose name starts with test'; Code = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name ''test*'' | Remove-KustoDataConnection -Force'; Remarks = 'Each deletion waits for its long-running operation.' }
    )
    'Export-KustoDataConnection' = @(
        @{
            Title   = 'Write the data connections of a database to a definition file'
            Code    = 'Export-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Path ./connections.json'
            Remarks = 'One entry per data connection: subscription, resource group, cluster, database, name, kind, location and the properties a user sets (ARM''s names). Read-only properties and secrets are never written. Omit -DatabaseName to write every database of the cluster; -NoClobber keeps an existing file.'
        }
        @{
            Title   = 'Export only some connections, from the pipeline'
            Code    = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Kind IotHub | Export-KustoDataConnection -Path ./iothub.json -PassThru'
            Remarks = 'Piped objects are written as they are (also after editing them). Get-KustoDatabase | Export-KustoDataConnection writes every connection of each piped database. KustoDataConnections.schema.json in the module folder lets editors check the file.'
        }
    )
    'Sync-KustoDataConnection' = @(
        @{
            Title   = 'See what a sync would change'
            Code    = 'Sync-KustoDataConnection -Path ./connections.json -WhatIf | Format-Table Action, Name, Changes, Result'
            Remarks = 'Reads the data connections of the databases the file names and writes the plan (Create, Update with the changed properties'' old and new values, NoChange, and with -Prune Remove); nothing is written to Azure.'
        }
        @{
            Title   = 'Bring Azure back to the file, removing what it does not list'
            Code    = 'Sync-KustoDataConnection -Path ./connections.json -Prune -Validate -ThrottleLimit 4'
            Remarks = 'Creates what is missing (after the service validated it), sends one PATCH of only the differing properties for each connection that differs, removes the connections of those databases that the file does not list, and leaves the rest alone: a second run sends no write. A kind change removes and creates the connection again and asks first (-Force does not ask).'
        }
        @{
            Title   = 'Sync in a background job'
            Code    = '$job = Sync-KustoDataConnection -Path ./connections.json -AsJob; $job | Wait-Job | Receive-Job'
            Remarks = 'The file is checked and the plan made and confirmed at once; the writes run in one job, its results in file order.'
        }
    )
    'Wait-KustoOperation' = @(
        @{ Title = 'Start several creates, wait later'; Code = @'
$operations = Get-Content hubs.txt | ForEach-Object { New-KustoIotHubConnection @database -Name $_ -IotHubResourceId "$hubs/$_" -NoWait }
$operations | Wait-KustoOperation
'@; Remarks = 'Each -NoWait call returns a KustoOperation (provisioning state Creating) as soon as the service accepts it; Wait-KustoOperation shows progress and writes each finished data connection, or the error the waiting call would have written.' }
        @{ Title = 'Wait in another session'; Code = 'Wait-KustoOperation -OperationUrl $saved.OperationUrl -ResourceId $saved.ResourceId'; Remarks = 'Keep OperationUrl and ResourceId of the KustoOperation (they hold no secret); any session signed in to the same Azure Resource Manager endpoint can wait for it. Status URLs on other hosts are refused.' }
        @{ Title = 'Resume a wait that ran out of time'; Code = @'
New-KustoIotHubConnection @walkthrough -Timeout 30m -ErrorVariable failed
# OperationWaitTimedOut: ... To wait for it again, run: Wait-KustoOperation -OperationUrl '...' -ResourceId '...'
Invoke-Expression $failed[0].Exception.ResumeCommand
'@; Remarks = 'Every wait has a budget (-Timeout, default 60 minutes). Failed polls (HTTP 429 and 5xx, dropped connections, timeouts) are retried until it runs out; the operation itself goes on in Azure. The error of a wait that ended without the operation''s result (budget, Ctrl+C, Stop-Job, an access token that expired) carries the operation URL and the exact Wait-KustoOperation command to resume it.' }
        @{ Title = 'Wait for operations saved by another process'; Code = 'Import-Clixml operations.xml | Wait-KustoOperation -Timeout 2h'; Remarks = 'A KustoOperation written with Export-Clixml, or received from a job in another process, is accepted as it comes back (Kind, ResourceId and OperationUrl are read).' }
    )
    'Get-KustoCluster' = @(
        @{ Title = 'List the clusters of a resource group'; Code = 'Get-KustoCluster -ResourceGroupName testrg'; Remarks = 'Name, location and state.' }
        @{ Title = 'One cluster'; Code = 'Get-KustoCluster -ResourceGroupName testrg -Name mykustocluster | Format-List'; Remarks = 'Wildcards are allowed in -Name.' }
    )
    'Get-KustoDatabase' = @(
        @{ Title = 'List the databases of a cluster'; Code = 'Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster'; Remarks = 'Writes each database with its kind, location and retention; wildcards are allowed in -Name.' }
        @{ Title = 'One database'; Code = 'Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster -Name mykustodatabase'; Remarks = 'Wildcards are allowed in -Name.' }
        @{ Title = 'Create a data connection in a database from the pipeline'; Code = 'Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster -Name mykustodatabase | New-KustoEventHubConnection -Name events -EventHubResourceId $eventHubId -TableName StormEvents'; Remarks = 'The database binds to -Database by value and gives the subscription, resource group, cluster and database; nothing else of it binds.' }
    )
    'Test-KustoDataConnectionName' = @(
        @{ Title = 'Check that a name is free'; Code = 'Test-KustoDataConnectionName -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name myiothubconnect'; Remarks = 'NameAvailable is false, with Reason AlreadyExists, when the database already has a data connection of that name.' }
        @{ Title = 'Create only under a free name'; Code = @'
$check = Test-KustoDataConnectionName @database -Name myiothubconnect
if ($check.NameAvailable) { New-KustoIotHubConnection @database -Name myiothubconnect @iotHub } else { Write-Warning $check.Message }
'@; Remarks = 'A name that breaks the naming rules is refused before anything is sent.' }
    )
    'Test-KustoDataConnection' = @(
        @{
            Title   = 'Validate an IoT Hub data connection before creating it'
            Code    = @'
Test-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase `
    -Name myiothubconnect -IotHubResourceId '/subscriptions/<S>/resourceGroups/<R>/providers/Microsoft.Devices/IotHubs/<H>' `
    -SharedAccessPolicyName iothubforread -TableName StormEvents -MappingRuleName StormEvents_CSV_Mapping -DataFormat csv
'@
            Remarks = 'Takes the parameters of New-KustoIotHubConnection. Writes one string per problem the service finds (a missing table, consumer group, ...) and nothing when the definition is valid.'
        }
        @{ Title = 'Re-validate every data connection of a database'; Code = 'Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | Test-KustoDataConnection'; Remarks = 'Each stored definition is sent for validation again, e.g. after a table or consumer group was dropped.' }
    )
}
