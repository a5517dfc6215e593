"""Personal data: who read a reporter's phone number in clear, and when (个人信息查阅记录)."""
