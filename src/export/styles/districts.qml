<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: districts coloured by the share of demand served within the standard (red:
     much unmet), translucent so that catchments, homes and sites show through. One feature per district and service: filter the layer by `service`
     (Layer Properties > Source > Query Builder) to map one service at a time. -->
<qgis version="3.28" styleCategories="Symbology">
 <renderer-v2 type="graduatedSymbol" attr="served_share" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">
  <ranges>
   <range lower="0" upper="0.5" symbol="0" label="less than half served within the standard" render="true"/>
   <range lower="0.5" upper="0.9" symbol="1" label="half to 90 % served" render="true"/>
   <range lower="0.9" upper="0.999999" symbol="2" label="90 % or more served" render="true"/>
   <range lower="0.999999" upper="1.000001" symbol="3" label="all served within the standard" render="true"/>
  </ranges>
  <symbols>
   <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="215,25,28,70"/>
      <Option name="style" type="QString" value="solid"/>
      <Option name="outline_color" type="QString" value="60,60,60,255"/>
      <Option name="outline_style" type="QString" value="solid"/>
      <Option name="outline_width" type="QString" value="0.4"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="253,174,97,70"/>
      <Option name="style" type="QString" value="solid"/>
      <Option name="outline_color" type="QString" value="60,60,60,255"/>
      <Option name="outline_style" type="QString" value="solid"/>
      <Option name="outline_width" type="QString" value="0.4"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="166,217,106,70"/>
      <Option name="style" type="QString" value="solid"/>
      <Option name="outline_color" type="QString" value="60,60,60,255"/>
      <Option name="outline_style" type="QString" value="solid"/>
      <Option name="outline_width" type="QString" value="0.4"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="26,150,65,70"/>
      <Option name="style" type="QString" value="solid"/>
      <Option name="outline_color" type="QString" value="60,60,60,255"/>
      <Option name="outline_style" type="QString" value="solid"/>
      <Option name="outline_width" type="QString" value="0.4"/>
     </Option>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
</qgis>
