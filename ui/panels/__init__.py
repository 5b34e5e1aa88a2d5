"""The studio's commerce panels (docks): products, flash sales, coupons, group-buy, polls, Q&A,
lucky draws and comments. Each performs its actions through the console and shows the result."""
