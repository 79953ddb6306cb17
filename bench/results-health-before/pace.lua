function delay()
  return 16
end
