using System;
using KustoConnect.Emulator.Client;

namespace KustoConnect.Models
{
    /// <summary>What Start-KustoEmulator returns: where the emulator listens and whom it signs in as. Never a secret.</summary>
    public sealed class KustoEmulator
    {
        internal KustoEmulator(EmulatorProcess emulator)
        {
            var connection = emulator.Connection;
            Url = connection.Url;
            CertificatePath = connection.CertificatePath;
            DataDirectory = connection.DataDirectory;
            ProcessId = emulator.ProcessId;
            TenantId = connection.TenantId;
            SubscriptionId = connection.SubscriptionId;
            ClientId = connection.ClientId;
        }

        /// <summary>https://127.0.0.1:{port}/: the emulated Azure Resource Manager and Entra ID authority host.</summary>
        public Uri Url { get; }

        /// <summary>The PEM file of the emulator's self-signed certificate; clients trust exactly this certificate.</summary>
        public string CertificatePath { get; }

        /// <summary>The folder holding the emulator's state (a JSON snapshot and journal), certificate and connection file (emulator.json).</summary>
        public string DataDirectory { get; }

        /// <summary>The id of the emulator process.</summary>
        public int ProcessId { get; }

        /// <summary>The emulated Entra ID tenant.</summary>
        public string TenantId { get; }

        /// <summary>The emulated subscription.</summary>
        public string SubscriptionId { get; }

        /// <summary>The client id of the service principal the session signs in as (its secret is never part of this object).</summary>
        public string? ClientId { get; }
    }
}
