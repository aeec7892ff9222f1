//go:build windows

package glanceclient

import "syscall"

// brokenConnection are the errors of a connection that broke under a request. Windows
// reports them as WSA errors, which syscall.ECONNRESET (an invented value there) never
// matches.
var brokenConnection = []error{
	syscall.WSAECONNRESET,
	syscall.WSAECONNABORTED,
	syscall.ECONNRESET,
	syscall.ECONNABORTED,
	syscall.EPIPE,
}
