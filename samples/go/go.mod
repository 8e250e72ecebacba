module ptracedap/samples

go 1.19
