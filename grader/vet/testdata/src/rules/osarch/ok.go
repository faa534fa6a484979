package osarch
