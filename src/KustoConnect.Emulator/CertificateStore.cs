using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KustoConnect.Emulator;

/// <summary>The emulator's self-signed certificate (CN=localhost, SANs localhost and 127.0.0.1), kept in the data directory.</summary>
internal static class CertificateStore
{
    public const string PfxFileName = "emulator.pfx";
    public const string PemFileName = "emulator.crt";

    /// <summary>
    /// Loads the certificate with its private key from the data directory, creating it first if absent. The key file
    /// (emulator.pfx, unencrypted: TLS and token-signing key) is the current user's alone (0600); emulator.crt holds
    /// only the public certificate.
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string dataDirectory)
    {
        var pfxPath = Path.Combine(dataDirectory, PfxFileName);
        var pemPath = Path.Combine(dataDirectory, PemFileName);
        X509Certificate2 certificate;
        if (File.Exists(pfxPath))
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, password: null, X509KeyStorageFlags.Exportable);
        }
        else
        {
            certificate = Create();
            var tmp = pfxPath + ".tmp";
            FilePermissions.WritePrivateFile(tmp, certificate.Export(X509ContentType.Pkcs12));
            File.Move(tmp, pfxPath, overwrite: true);
        }

        // Also a key file from an older emulator, written before it was private.
        FilePermissions.RestrictFile(pfxPath);

        File.WriteAllText(pemPath, certificate.ExportCertificatePem() + "\n");
        return certificate;
    }

    private static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        // Round-trip through PKCS#12 so the key is usable by Kestrel on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
    }
}
