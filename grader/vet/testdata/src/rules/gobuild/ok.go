package gobuild
