"""Recipients' preferences (接收偏好): channel order, quiet hours, opting out of routine messages."""
