using System;
using System.IO;
using System.Security.AccessControl;
using System.Security.Principal;

namespace KustoConnect.Emulator;

/// <summary>
/// Keeps the emulator's data private to the user running it: the data folder 0700 and the files holding the key, the
/// world (client secrets) and the state 0600 on Linux and macOS; on Windows an ACL that grants the current user alone
/// full control, with inheritance from the parent cut.
/// </summary>
internal static class FilePermissions
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder if needed and makes it the current user's alone.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var directory = Directory.CreateDirectory(path);
            directory.SetAccessControl(OwnerOnly(new DirectorySecurity(), InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit));
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    /// <summary>Makes an existing file the current user's alone; a missing file is left alone.</summary>
    public static void RestrictFile(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            new FileInfo(path).SetAccessControl(OwnerOnly(new FileSecurity(), InheritanceFlags.None));
            return;
        }

        File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    /// <summary>Writes a file that is the current user's alone from the moment it exists (never briefly readable by others).</summary>
    public static void WritePrivateFile(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(content);
        }

        RestrictFile(path);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static T OwnerOnly<T>(T security, InheritanceFlags inheritance)
        where T : FileSystemSecurity
    {
        var user = WindowsIdentity.GetCurrent().User ?? throw new UnauthorizedAccessException("The current Windows user has no security identifier.");
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(user, FileSystemRights.FullControl, inheritance, PropagationFlags.None, AccessControlType.Allow));
        return security;
    }
}
