function delay()
  return 15
end
