using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// On Linux, .NET validates every server certificate by building a chain, and the first chain of the process reads
    /// the machine's whole CA store (/etc/ssl/certs: a few hundred PEM files) into a process-wide cache, even when the
    /// session then trusts only the emulator's certificate. That read sat on the first token request's path. A session
    /// starts it on a thread-pool thread as soon as it is created, so it runs beside the credential's and MSAL's own
    /// start-up work on another core and the first TLS handshake finds the cache filled. Once per process; nothing is
    /// trusted or changed by it (the store is only opened and read). Windows and macOS validate through the operating
    /// system, which keeps its own cache: nothing is done there.
    /// </summary>
    internal static class SystemTrustWarmUp
    {
        private static int _started;
        private static Task _task = Task.CompletedTask;

        /// <summary>Whether this platform reads its CA store into .NET's cache on the first chain (Linux).</summary>
        internal static bool Applies => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>The read started by <see cref="Start"/> (completed when it did not apply or is done).</summary>
        internal static Task Completion => Volatile.Read(ref _task);

        /// <summary>Starts the read once per process where it applies; later calls do nothing.</summary>
        /// <returns>Whether this call started it.</returns>
        internal static bool Start()
        {
            if (!Applies || Interlocked.Exchange(ref _started, 1) == 1)
            {
                return false;
            }

            Volatile.Write(ref _task, Task.Run(ReadMachineRoots));
            return true;
        }

        private static void ReadMachineRoots()
        {
            try
            {
                using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                foreach (var certificate in store.Certificates)
                {
                    certificate.Dispose();
                }
            }
            catch (CryptographicException)
            {
                // No readable store: the handshake reports whatever it finds, as it would have without this.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
