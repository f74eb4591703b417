module racedemo/demos/go

go 1.19
