module racedemo/bench/jobqueue

go 1.19
