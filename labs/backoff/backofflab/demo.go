package backofflab

func registerDemo() {}
