module github.com/switchyard-io/switchyard

go 1.26.8
