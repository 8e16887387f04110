// Every path in Sweep's API is a swift-system FilePath, and FileError carries an Errno: re-exported
// so that `import Sweep` alone lets a client name them.
@_exported import struct SystemPackage.FilePath
@_exported import struct SystemPackage.Errno
@_exported import struct SystemPackage.FilePermissions
