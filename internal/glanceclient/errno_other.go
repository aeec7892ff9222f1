//go:build !windows

package glanceclient

import "syscall"

// brokenConnection are the errors of a connection that broke under a request.
var brokenConnection = []error{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE}
