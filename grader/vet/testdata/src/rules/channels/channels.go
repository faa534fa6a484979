package channels

func Use() {
	ch := make(chan int)
	ch <- 1
	<-ch
	select {}
}
