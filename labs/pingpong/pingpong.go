package pingpong

import "github.com/faultline-dev/faultline/labs/node"

// Client is the student's client node.
type Client interface {
	node.Node
	// Submit asks the client to get op executed exactly once. seq numbers a
	// client's requests from 1 upwards. The test calls Submit between events,
	// like any handler; the client may Send and SetTimer from it.
	Submit(seq int, op string)
}

// Server is the student's server node.
type Server interface {
	node.Node
}

// Done is called by a client when it knows request seq was executed.
type Done func(seq int)

// Exec is called by the server to execute op for a client's request seq.
// The lab checks that it is called exactly once per submitted request.
type Exec func(client node.ID, seq int, op string)

// Impl is an implementation of the lab: the two constructors.
type Impl struct {
	// NewClient builds client id, whose server is server.
	NewClient func(id, server node.ID, done Done) Client
	// NewServer builds the server.
	NewServer func(id node.ID, exec Exec) Server
}
