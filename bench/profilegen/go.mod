module example.com/profilegen

go 1.22
